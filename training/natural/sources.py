"""What the project knows about each real source file: licence, whether it may train a
shipped model, and whether its rows are customer complaints (the rows a helpdesk sees most)."""

from __future__ import annotations

from dataclasses import dataclass

EVAL_ONLY_SUFFIX = "__eval_or_research_only"
WRITTEN_LICENCE = "MIT (written by the toneguard project)"


@dataclass(frozen=True)
class RealSource:
    file: str
    licence: str
    complaints: bool  # customer-to-company complaints, not social-media comments

    @property
    def eval_only(self) -> bool:
        """Files marked for evaluation or research never train a model the project ships."""
        return self.file.removesuffix(".jsonl").endswith(EVAL_ONLY_SUFFIX)

    @property
    def short(self) -> str:
        return self.file.removesuffix(".jsonl").removesuffix(EVAL_ONLY_SUFFIX)


REAL_SOURCES: dict[str, RealSource] = {s.file: s for s in (
    RealSource("en_cfpb_complaints.jsonl", "public domain (US government work)", True),
    RealSource("en_twcs_inbound_tweets__eval_or_research_only.jsonl", "CC BY-NC-SA 4.0", True),
    RealSource("en_airline_complaint_tweets__eval_or_research_only.jsonl", "CC BY-NC-SA 4.0",
               True),
    RealSource("ru_sentirueval2016_bank_telecom_tweets__eval_or_research_only.jsonl",
               "unknown (none stated)", True),
    RealSource("de_germeval2017_deutsche_bahn_feedback__eval_or_research_only.jsonl",
               "CC BY-NC 4.0", True),
    RealSource("de_germeval2018_offensive_tweets.jsonl", "CC BY 4.0", False),
    RealSource("de_germeval2021_toxic_facebook__eval_or_research_only.jsonl",
               "unknown (none stated)", False),
    RealSource("pt_toldbr_toxic_tweets.jsonl", "CC BY-SA 4.0", False),
    RealSource("tr_offenseval2020_offensive_tweets__eval_or_research_only.jsonl",
               "unknown (no known licence)", False),
)}
