"""The one-entry cache the discovery readers share a file's derivations through."""

from __future__ import annotations

from prodgate.lastcall import last_answer


def test_the_last_object_is_answered_again_and_any_other_is_asked() -> None:
    calls: list[object] = []

    @last_answer
    def length(value: list[int]) -> int:
        calls.append(value)
        return len(value)

    one, same_content = [1, 2], [1, 2]
    assert length(one) == 2 and length(one) == 2
    assert calls == [one]
    assert length(same_content) == 2  # equal, not the same object: asked again
    assert length(one) == 2
    assert calls == [one, same_content, one]
    assert length.__name__ == "length"


def test_none_is_an_argument_like_any_other() -> None:
    calls: list[object] = []

    @last_answer
    def name(value: object) -> str:
        calls.append(value)
        return repr(value)

    assert name(None) == "None" and name(None) == "None"
    assert calls == [None]
