"""The agenda's own rules, without a database: reading what the patient wrote, ranking up to
three priorities, and checking an autosaved draft before anything is read from it."""

import pytest

from webapp.preparation.agenda_rules import (
    ANSWER_MAX,
    PRIORITY_WORDS_MAX,
    AgendaOptions,
    Choice,
    PriorityInput,
    Problem,
    check_for_sending,
    check_priorities,
    read_draft,
    read_fields,
)

OPTIONS = AgendaOptions(
    questions={1: "What has gone well?", 2: "What matters most to you?"},
    topics={10: "Feet", 11: "Mood and stress", 12: "Something else"},
    words_topics=frozenset({12}),
    results={"hba1c": "Your HbA1c result", "blood-pressure": "Your blood pressure result"},
)


def fields(**values):
    out = {}
    for name, value in values.items():
        out[name.replace("_", "-")] = value if isinstance(value, list) else [value]
    return out


def priorities(*choices):
    return [PriorityInput(rank, Choice.parse(token) if token else None, words)
            for rank, (token, words) in enumerate(choices, start=1)]


# --- reading ---------------------------------------------------------------------------------


def test_answers_topics_and_priorities_are_read_in_the_patients_words():
    data, problems = read_fields(fields(
        answer_1="  Walking to the shops again.\r\nEvery day!  ", topics=["10", "11"],
        priority_1="topic:11", priority_1_words="Feeling low since the winter",
        results=["hba1c"]), OPTIONS)
    assert problems == []
    assert data.answers == {1: "Walking to the shops again.\nEvery day!"}
    assert data.topics == {10, 11}
    assert data.results == ("hba1c",)
    assert data.priorities[0] == PriorityInput(1, Choice.topic(11),
                                               "Feeling low since the winter")
    assert data.priorities[1].is_empty and data.priorities[2].is_empty


def test_choosing_a_topic_or_result_as_a_priority_puts_it_on_the_agenda():
    data, _ = read_fields(fields(priority_1="topic:10", priority_2="result:blood-pressure"),
                          OPTIONS)
    assert 10 in data.topics
    assert data.results == ("blood-pressure",)


def test_writing_about_something_else_ticks_it():
    data, _ = read_fields(fields(topic_words_12="My hearing"), OPTIONS)
    assert data.topics == {12}
    assert data.topic_words == {12: "My hearing"}


def test_prompts_and_results_the_agenda_does_not_offer_are_left_out():
    data, problems = read_fields(fields(answer_99="Hidden since", topics=["10", "99", "x"],
                                        results=["egfr", "hba1c"], priority_1="topic:99",
                                        priority_2="result:egfr", priority_3="nonsense"),
                                 OPTIONS)
    assert problems == []
    assert data.answers == {}
    assert data.topics == {10}
    assert data.results == ("hba1c",)
    assert all(p.choice is None for p in data.priorities)


def test_words_too_long_to_keep_are_a_problem_and_still_kept_to_show_again():
    long = "a" * (ANSWER_MAX + 1)
    data, problems = read_fields(fields(answer_2=long,
                                        priority_1_words="b" * (PRIORITY_WORDS_MAX + 5)),
                                 OPTIONS)
    assert data.answers[2] == long
    assert problems == [
        Problem("answer-2", f"Your answer must be 3,000 characters or fewer. You have "
                            f"{ANSWER_MAX + 1:,}."),
        Problem("priority-1-words", "What you wrote for your 1st priority must be 500 "
                                    "characters or fewer. You have 505."),
    ]


def test_the_page_gets_back_what_was_read():
    data, _ = read_fields(fields(answer_1="Yes", topics=["10"], priority_2="result:hba1c",
                                 priority_2_words="Why is it up?"), OPTIONS)
    again, _ = read_fields(data.fields(), OPTIONS)
    assert again == data


# --- ranking ---------------------------------------------------------------------------------


def test_three_different_priorities_in_order_are_fine():
    assert check_priorities(priorities(("topic:10", ""), ("result:hba1c", ""),
                                       ("", "Getting to sleep")), OPTIONS) == []


def test_the_same_topic_as_two_priorities_is_explained_on_the_later_one():
    problems = check_priorities(priorities(("topic:11", ""), ("topic:10", ""),
                                           ("topic:11", "again")), OPTIONS)
    assert problems == [Problem(
        "priority-3", "You chose Mood and stress as your 1st and your 3rd priority. Choose "
                      "something different for your 3rd priority, or leave it empty.")]


def test_the_same_result_twice_is_explained_too():
    problems = check_priorities(priorities(("result:hba1c", ""), ("result:hba1c", "")),
                                OPTIONS)
    assert [p.field for p in problems] == ["priority-2"]
    assert "Your HbA1c result as your 1st and your 2nd" in problems[0].message


def test_a_second_priority_without_a_first_asks_for_the_first():
    problems = check_priorities(priorities(("", ""), ("topic:10", "")), OPTIONS)
    assert problems == [Problem("priority-1", "You have a 2nd priority but no 1st. Fill in "
                                              "your 1st priority first.")]


def test_a_third_without_a_second_asks_for_the_second():
    problems = check_priorities(priorities(("topic:10", ""), ("", ""), ("", "Pain")), OPTIONS)
    assert [p.field for p in problems] == ["priority-2"]


def test_words_alone_make_a_priority():
    assert check_priorities(priorities(("", "My knee"), ("", "My job")), OPTIONS) == []


def test_no_priorities_at_all_is_fine_when_something_else_is_written():
    data, _ = read_fields(fields(topics=["10"]), OPTIONS)
    assert check_for_sending(data, OPTIONS) == []


def test_an_empty_agenda_cannot_be_sent():
    data, _ = read_fields({}, OPTIONS)
    assert check_for_sending(data, OPTIONS) == [
        Problem("priority-1", "Choose or write at least one thing you want to talk about")]


# --- autosaved drafts ------------------------------------------------------------------------


def test_a_good_draft_is_read():
    assert read_draft({"editedAt": 1700000000000,
                       "fields": {"answer-1": "Hi", "topics": ["10", "11"]}}) == (
        1700000000000, {"answer-1": ["Hi"], "topics": ["10", "11"]})


@pytest.mark.parametrize(("body", "field"), [
    (None, "body"),
    ([], "body"),
    ({"fields": {}}, "editedAt"),
    ({"editedAt": "soon", "fields": {}}, "editedAt"),
    ({"editedAt": True, "fields": {}}, "editedAt"),
    ({"editedAt": -1, "fields": {}}, "editedAt"),
    ({"editedAt": 2**60, "fields": {}}, "editedAt"),
    ({"editedAt": 1, "fields": "answer"}, "fields"),
    ({"editedAt": 1, "fields": {"answer-1": 5}}, "fields.answer-1"),
    ({"editedAt": 1, "fields": {"topics": ["10", None]}}, "fields.topics"),
    ({"editedAt": 1, "fields": {"topics": ["1"] * 101}}, "fields.topics"),
    ({"editedAt": 1, "fields": {f"f{i}": "" for i in range(301)}}, "fields"),
    ({"editedAt": 1, "fields": {"x" * 61: ""}}, "fields"),
])
def test_a_bad_draft_names_the_field_that_was_wrong(body, field):
    problem = read_draft(body)
    assert isinstance(problem, Problem)
    assert problem.field == field
