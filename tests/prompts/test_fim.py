"""FIM profiles: exact prompt shapes, repository forms, stops and the auto choice."""

from __future__ import annotations

import pytest

from completion.fim import (
    CODELLAMA,
    CODESTRAL,
    DEEPSEEK,
    NONE,
    PROFILES,
    QWEN,
    STARCODER,
    STARCODER1,
    comment_blocks,
    cut_at_stop,
    fim_overhead_tokens,
    profile_for,
    render_fim_prompt,
)
from completion.settings import FIM_PROFILES
from completion.tokens import count_tokens
from tests.prompts.golden import check_golden

PRE = "def area(r: float) -> float:\n    return "
SUF = "\n\nprint(área(2))\n"
BLOCKS = [("shapes.py", "class Circle:\n    r: float\n"), ("recent edit", "- x = 1\n+ x = 2")]


def test_every_setting_value_names_a_profile() -> None:
    assert set(FIM_PROFILES) - {"auto"} == set(PROFILES)


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        (STARCODER, f"<fim_prefix>{PRE}<fim_suffix>{SUF}<fim_middle>"),
        (CODELLAMA, f"<PRE> {PRE} <SUF>{SUF} <MID>"),
        (QWEN, f"<|fim_prefix|>{PRE}<|fim_suffix|>{SUF}<|fim_middle|>"),
        (CODESTRAL, f"[SUFFIX]{SUF}[PREFIX]{PRE}"),
        (NONE, PRE),
    ],
)
def test_plain_fim_shapes(profile, expected) -> None:
    assert profile.render(PRE, SUF) == expected


def test_deepseek_uses_full_width_bars_and_lower_blocks() -> None:
    prompt = DEEPSEEK.render("a", "b")
    assert (
        prompt
        == "<\uff5cfim\u2581begin\uff5c>a<\uff5cfim\u2581hole\uff5c>b<\uff5cfim\u2581end\uff5c>"
    )
    assert "|" not in prompt and "_" not in prompt
    assert "<\uff5cend\u2581of\u2581sentence\uff5c>" in DEEPSEEK.stop


def test_codellama_spacing_is_exact() -> None:
    assert CODELLAMA.render("x = ", "\ny") == "<PRE> x =  <SUF>\ny <MID>"
    assert "<EOT>" in CODELLAMA.stop


def test_codestral_puts_the_suffix_first() -> None:
    prompt = CODESTRAL.render("PREFIX_TEXT", "SUFFIX_TEXT")
    assert prompt.index("SUFFIX_TEXT") < prompt.index("PREFIX_TEXT")
    assert {"</s>", "[PREFIX]", "[SUFFIX]"} <= set(CODESTRAL.stop)


def test_qwen_stops() -> None:
    assert {"<|endoftext|>", "<|fim_pad|>", "<|file_sep|>", "<|repo_name|>", "<|im_end|>"} <= set(
        QWEN.stop
    )


def test_qwen_repository_form() -> None:
    prompt = QWEN.render(PRE, SUF, BLOCKS, path="pkg/geo.py", repo_name="geo")
    assert prompt == (
        "<|repo_name|>geo\n"
        "<|file_sep|>shapes.py\nclass Circle:\n    r: float\n"
        "<|file_sep|>recent edit\n- x = 1\n+ x = 2\n"
        f"<|file_sep|>pkg/geo.py\n<|fim_prefix|>{PRE}<|fim_suffix|>{SUF}<|fim_middle|>"
    )


def test_starcoder2_repository_form_puts_the_path_in_the_prefix() -> None:
    prompt = STARCODER.render(PRE, SUF, BLOCKS[:1], path="geo.py", repo_name="geo")
    assert prompt == (
        "<repo_name>geo<file_sep>shapes.py\nclass Circle:\n    r: float\n"
        f"<file_sep><fim_prefix>geo.py\n{PRE}<fim_suffix>{SUF}<fim_middle>"
    )


def test_without_a_path_the_context_becomes_comments_at_the_top_of_the_prefix() -> None:
    prompt = QWEN.render(PRE, SUF, BLOCKS)
    assert prompt.startswith("<|fim_prefix|># shapes.py\n# class Circle:\n#     r: float\n\n")
    assert "# recent edit\n# - x = 1\n# + x = 2\n\n" + PRE in prompt
    assert "<|file_sep|>" not in prompt


@pytest.mark.parametrize("profile", [CODELLAMA, DEEPSEEK, CODESTRAL, STARCODER1, NONE])
def test_profiles_without_repository_form_use_comment_blocks(profile) -> None:
    prompt = profile.render(PRE, SUF, BLOCKS, path="geo.py", repo_name="geo")
    assert comment_blocks(BLOCKS) + PRE in prompt
    assert "<file_sep>" not in prompt and "<|file_sep|>" not in prompt


def test_comment_blocks_comment_every_line() -> None:
    text = comment_blocks([("t", "a\n\nb\n")])
    assert text == "# t\n# a\n#\n# b\n\n"
    assert all(line.startswith("#") for line in text.splitlines() if line)


def test_none_profile_is_server_side_and_drops_the_suffix() -> None:
    assert NONE.server_side and not QWEN.server_side
    assert NONE.render(PRE, SUF, BLOCKS) == comment_blocks(BLOCKS) + PRE


@pytest.mark.parametrize(
    ("model", "name"),
    [
        ("qwen2.5-coder:7b", "qwen"),
        ("Qwen/Qwen2.5-Coder-1.5B", "qwen"),
        ("hf.co/bartowski/Qwen2.5-Coder-7B-Instruct-GGUF", "qwen"),
        ("deepseek-coder:6.7b-base", "deepseek"),
        ("deepseek-coder-v2:16b", "deepseek"),
        ("codellama:7b-code", "codellama"),
        ("CodeLlama-13b-hf", "codellama"),
        ("starcoder2:3b", "starcoder"),
        ("bigcode/starcoderbase-1b", "starcoder"),
        ("codestral:22b", "codestral"),
        ("gpt-4o-mini", "none"),
        ("", "none"),
    ],
)
def test_auto_guesses_from_the_model_name(model, name) -> None:
    profile, reason = profile_for("auto", model)
    assert profile.name == name
    assert reason.startswith("auto:") and repr(model) in reason


def test_starcoder1_has_no_repository_form_but_starcoder2_does() -> None:
    assert profile_for("auto", "starcoder2:7b")[0].repo is not None
    assert profile_for("auto", "bigcode/starcoder")[0].repo is None
    assert profile_for("starcoder", "starcoderbase")[0] is STARCODER1


def test_an_explicit_setting_wins_over_the_model_name() -> None:
    profile, reason = profile_for("codellama", "qwen2.5-coder:7b")
    assert profile is CODELLAMA
    assert "explicitly" in reason


def test_an_unknown_setting_falls_back_to_auto_and_says_so() -> None:
    profile, reason = profile_for("mistery", "deepseek-coder")
    assert profile is DEEPSEEK
    assert "unknown fimProfile 'mistery'" in reason


@pytest.mark.parametrize("profile", list(PROFILES.values()))
def test_overhead_counts_the_markup_and_the_blocks(profile) -> None:
    bare = fim_overhead_tokens(profile)
    with_blocks = fim_overhead_tokens(profile, BLOCKS, path="geo.py", repo_name="geo")
    expected = render_fim_prompt(profile, "", "", BLOCKS, path="geo.py", repo_name="geo")
    assert with_blocks == count_tokens(expected)
    assert with_blocks > bare


def test_cut_at_stop_cuts_at_the_first_stop_and_strips_leaked_tokens() -> None:
    assert cut_at_stop("x<|im_start|> + 1\n<|endoftext|>junk", QWEN) == "x + 1\n"
    assert cut_at_stop("return r<EOT> more", CODELLAMA) == "return r"
    assert cut_at_stop("a<fim_pad>", STARCODER) == "a"
    assert cut_at_stop("plain", NONE) == "plain"


def test_golden_fim_prompts() -> None:
    rendered = "\n\n=====\n\n".join(
        f"[{name}]\n" + profile.render(PRE, SUF, BLOCKS, path="pkg/geo.py", repo_name="geo")
        for name, profile in sorted(PROFILES.items())
    )
    check_golden("fim_profiles.txt", rendered)


def test_html_in_a_completion_survives() -> None:
    assert cut_at_stop('html = "<s>old</s>"', QWEN) == 'html = "<s>old</s>"'
    assert cut_at_stop('html = "<s>old', CODESTRAL) == 'html = "<s>old'
