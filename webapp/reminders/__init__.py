"""Reminders for care-plan actions: schedules, push subscriptions and their dispatch."""
