from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from webapp.forms import strip

EMAIL_VALIDATORS = [
    DataRequired("Enter your email address"),
    Length(max=254, message="Email address must be 254 characters or fewer"),
    Email("Enter an email address in the correct format, like name@example.com",
          check_deliverability=False),
]


class SignInForm(FlaskForm):
    email = EmailField("Email address", validators=EMAIL_VALIDATORS, filters=[strip])
    password = PasswordField("Password", validators=[
        DataRequired("Enter your password"), Length(max=128, message="Enter your password")])


class ActivationForm(FlaskForm):
    email = EmailField("Email address", validators=EMAIL_VALIDATORS, filters=[strip])
    code = StringField("Activation code", filters=[strip], validators=[
        DataRequired("Enter the activation code from your practice"),
        Length(max=40, message="Activation code must be 12 letters and numbers, "
                               "like ABCD-EFGH-JKLM"),
    ])
    password = PasswordField("Create a password", validators=[
        DataRequired("Create a password"),
        Length(max=128, message="Password must be 128 characters or fewer")])
    confirm = PasswordField("Type the password again", validators=[
        DataRequired("Type the password again"),
        EqualTo("password", "The passwords do not match. Type the same password twice")])


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[
        DataRequired("Enter your current password"), Length(max=128)])
    password = PasswordField("New password", validators=[
        DataRequired("Create a new password"),
        Length(max=128, message="Password must be 128 characters or fewer")])
    confirm = PasswordField("Type the new password again", validators=[
        DataRequired("Type the new password again"),
        EqualTo("password", "The passwords do not match. Type the same password twice")])


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token, for buttons that change something."""


class CodeForm(FlaskForm):
    """The second step of signing in: a code from the authenticator app, or a recovery code."""

    code = StringField("Security code", filters=[strip], validators=[
        DataRequired("Enter the 6-digit code from your authenticator app"),
        Length(max=20, message="Enter the 6-digit code from your authenticator app, "
                               "or one of your recovery codes")])


class SetUpAuthenticatorForm(FlaskForm):
    token = HiddenField()
    code = StringField("Code from the app", filters=[strip], validators=[
        DataRequired("Enter the 6-digit code your authenticator app shows"),
        Length(max=10, message="Enter the 6-digit code your authenticator app shows, "
                               "like 123456")])


class TurnOffTwoStepForm(FlaskForm):
    password = PasswordField("Your password", validators=[
        DataRequired("Enter your password"), Length(max=128, message="Enter your password")])
