"""Helpers shared by the UI tests."""


def sample_ids(bank):
    """The UI sample quiz's questions in file order: case, choice, em_level, audit."""
    return bank.find_questions(quiz_id="ui-sample")
