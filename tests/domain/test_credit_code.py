import pytest

from hub.domain.credit_code import check_character, credit_code_problem


@pytest.mark.parametrize("code", ["91350100M000100Y43", "913305008MA28K7Q38", "91110000600037341L"])
def test_valid_codes_pass(code: str) -> None:
    assert credit_code_problem(code) is None


def test_wrong_check_character_is_named() -> None:
    assert credit_code_problem("91350100M000100Y44") == "check character is '4', expected '3'"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("9135010", "must have 18 characters, has 7"),
        ("91350100M000100YI3", "contains characters outside GB 32100's alphabet: I"),
    ],
)
def test_malformed_codes_say_why(code: str, reason: str) -> None:
    assert credit_code_problem(code) == reason


def test_check_character_can_be_zero() -> None:
    # A weighted sum that is a multiple of 31 gives check value 0, not 31.
    assert check_character("00000000000000000") == "0"
