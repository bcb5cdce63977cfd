"""Over HTTP: the evidence of a bullet adds to it. A reviewer's shortened bullet shows its
quote as the full source sentence, with the numbers the bullet kept marked."""

from __future__ import annotations

import re


def _act(site, action: str, body: dict):
    response = site.client.post(
        f"/api/articles/{site.id}/{action}", json=body, headers=site.bearer("reviewer")
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_a_shortened_bullet_shows_the_full_source_sentence_with_its_numbers_marked(site):
    bullet = site.article["sections"][0]["bullets"][0]
    evidence = bullet["evidence"][0]
    assert evidence["context_before"] or evidence["context_after"]  # the source's neighbours
    amount = re.search(r"\d+ (mg|months|weeks)", bullet["text"]).group()
    _act(site, "claim", {"seen_version": 1})
    short = f"Continue for {amount}." if "mg" not in amount else f"Ferrous sulfate {amount}."
    edit = {"kind": "edit_bullet", "section": 0, "bullet": 0, "text": short}
    edited = _act(site, "edit", {"seen_version": 1, "edits": [edit]})
    marked = edited["sections"][0]["bullets"][0]["evidence"][0]
    assert marked["shortened"] and marked["numbers"] == [amount.split()[0]]
    _act(site, "approve", {"seen_version": 2})

    page = site.client.get(f"/a/{site.article['slug']}").text
    first = next(li for li in page.split('class="bullet"')[1:] if short in li).split("</li>")[0]
    sentence = first.split('class="source-sentence"')[1].split("</p>")[0]
    assert "Full source sentence:" in sentence
    assert f"<mark>{amount}</mark>" in sentence
    assert 'class="context' in first and "Iron deficiency anaemia" in first  # section path
