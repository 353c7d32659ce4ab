"""Hugging Face model cards, rendered while the tests run by the real ``huggingface_hub``.

Cards and the Hub's card template are someone's prose, so none is kept in this
repository: each card here is what the library itself writes (``ModelCard.from_template``
renders the template it ships, ``ModelCardData(eval_results=...)`` writes the
``model-index`` front matter). The variants a gate meets in real repositories (no front
matter, a ``model-index`` result without a dataset, Windows line breaks) are made from
that rendered output, so their shape follows the library and not a hand-written copy.
"""

from __future__ import annotations

from pathlib import Path

from huggingface_hub import EvalResult, ModelCard, ModelCardData
from huggingface_hub.repocard import TEMPLATE_MODELCARD_PATH

# A short card: front matter from the library, a title and one paragraph. Filled in, but
# without the sections a policy asks for.
SHORT_TEMPLATE = "---\n{{ card_data }}\n---\n\n# {{ model_id }}\n\n{{ model_summary }}\n"
SUMMARY = "Classifies bean leaf images as healthy, angular leaf spot or bean rust."


def template_text() -> str:
    """The model card template ``huggingface_hub`` ships, as the library reads it."""
    return Path(TEMPLATE_MODELCARD_PATH).read_text(encoding="utf-8")


def model_index_data() -> ModelCardData:
    """Card metadata with a ``model-index`` of two results (beans accuracy 0.9, f1 0.66)."""
    return ModelCardData(
        language="en",
        license="mit",
        library_name="timm",
        tags=["pytorch", "image-classification"],
        datasets=["beans"],
        metrics=["accuracy"],
        model_name="my-cool-model",
        eval_results=[
            EvalResult(
                task_type="image-classification",
                dataset_type="beans",
                dataset_name="Beans",
                metric_type="accuracy",
                metric_value=0.9,
            ),
            EvalResult(
                task_type="image-classification",
                dataset_type="beans",
                dataset_name="Beans",
                dataset_config="default",
                dataset_split="test",
                dataset_revision="5503434ddd753f426f4b38109466949a1217c2bb",
                metric_type="f1",
                metric_value=0.66,
            ),
        ],
    )


def unfilled_card() -> str:
    """The Hub's template rendered with no fields: ``[More Information Needed]`` throughout."""
    return str(ModelCard.from_template(ModelCardData()))


def model_index_card() -> str:
    """A short filled card whose front matter holds a valid two-result ``model-index``."""
    card = ModelCard.from_template(
        model_index_data(), template_str=SHORT_TEMPLATE, model_id="my-cool-model", model_summary=SUMMARY
    )
    return str(card)


def no_metadata_card() -> str:
    """The same card without front matter: the Markdown body the library keeps as ``text``."""
    card = ModelCard(model_index_card())
    assert not card.text.startswith("---"), card.text
    return card.text


def invalid_model_index_card() -> tuple[str, int]:
    """The card with the first result's ``dataset`` removed (the Hub requires one).

    Returns the text and the 1-based line of that result (its ``- task:`` item).
    """
    lines = model_index_card().split("\n")
    start = lines.index("    dataset:")
    end = start + 1
    while lines[end].startswith("      "):
        end += 1
    del lines[start:end]
    text = "\n".join(lines)
    return text, lines.index("  - task:") + 1


def crlf_heading_only_card() -> str:
    """A card with front matter and one heading, no text, saved with Windows line breaks.

    The library keeps the line ending it finds, so the rendered card is re-read with CRLF
    and written back by ``ModelCard`` itself.
    """
    data = ModelCardData(license="mit", language="eo")
    rendered = str(ModelCard.from_template(data, template_str="---\n{{ card_data }}\n---\n\n# Hello old Windows line breaks\n"))
    card = ModelCard(rendered.replace("\n", "\r\n"))
    text = str(card)
    assert "\r\n" in text and "\n" not in text.replace("\r\n", ""), repr(text)
    return text


def write_card(path: Path, text: str) -> Path:
    """Write a card byte for byte (no newline translation: CRLF stays CRLF)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def filled_template_card() -> str:
    """The Hub's template with every field it asks for given a sentence of real text.

    The fields are read from the template itself (Jinja's own parser), so a new field in a
    later ``huggingface_hub`` is filled too.
    """
    import jinja2
    from jinja2 import meta

    fields = meta.find_undeclared_variables(jinja2.Environment().parse(template_text()))
    fields -= {"card_data"}
    answers = {name: f"{name.replace('_', ' ').capitalize()}: written for this model." for name in fields}
    return str(ModelCard.from_template(ModelCardData(language="en", license="mit"), **answers))
