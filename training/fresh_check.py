"""A check on messages written after training, in styles the corpus does not use.

The corpus test split measures the model against the corpus' own phrasing; these
messages were written fresh by hand once the model was trained (not used for any
choice of hyper-parameters), to see how it fares on text from elsewhere.
`python -m training.fresh_check [--model DIR] [--update-card]` prints the table.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from classifier.scripts import run_command

SAT_NIGHT = "2026-02-14T23:40:00+03:00"
TUE_DAY = "2026-02-17T14:05:00+03:00"
WED_3AM = "2026-02-18T03:10:00+01:00"
SUN_MORN = "2026-02-15T07:30:00-05:00"

# (text, sent_at, expected labels)
FRESH: list[tuple[str, str, list[str]]] = [
    ("Ребята, вы реально тупые или прикидываетесь? Третий раз объясняю одно и то же.",
     TUE_DAY, ["aggression"]),
    ("Если к пятнице деньги не вернутся, пишу заявление в Роспотребнадзор и иду в суд.",
     TUE_DAY, ["threat"]),
    ("Хочу, чтобы ваш директор лично перезвонил мне сегодня и сделал скидку 70% за неудобства.",
     TUE_DAY, ["unreasonable_demand"]),
    ("Ответьте немедленно!!! Я жду уже час!", SAT_NIGHT, ["off_hours_pressure"]),
    ("Ответьте немедленно!!! Я жду уже час!", TUE_DAY, []),
    ("Всю ночь писал в чат, никто так и не ответил. Вы вообще работаете?", TUE_DAY,
     ["off_hours_pressure"]),
    ("Добрый вечер. Подскажите, пожалуйста, можно ли поменять адрес доставки? Не срочно.",
     SAT_NIGHT, []),
    ("Спасибо, мастер пришёл вовремя, всё починил. Оставлю хороший отзыв!", TUE_DAY, []),
    ("Цены у вас, конечно, убийственные, но сервис того стоит :)", TUE_DAY, []),
    ("Здравствуйте! Какие документы нужны, чтобы расторгнуть договор досрочно?", TUE_DAY, []),
    ("Слышь, оператор, ты там уснул? Быстро отвечай, а то пожалеешь.", SAT_NIGHT,
     ["aggression", "threat", "off_hours_pressure"]),
    ("Сделайте мне сайт бесплатно, а я вам потом, может, клиентов приведу.", TUE_DAY,
     ["unreasonable_demand"]),
    ("Пришлите личный номер менеджера, буду звонить ему когда удобно мне, хоть ночью.",
     TUE_DAY, ["unreasonable_demand"]),
    ("Получил письмо якобы от вашего банка со ссылкой, похоже на мошенников. Проверьте.",
     WED_3AM, []),
    ("Your support is a joke and your agents are clueless morons.", TUE_DAY, ["aggression"]),
    ("Fix this by Monday or my attorney will be in touch, and I'll dispute the charge.",
     TUE_DAY, ["threat"]),
    ("I expect a full refund, a free upgrade for life, and a personal apology from the CEO.",
     TUE_DAY, ["unreasonable_demand"]),
    ("Hello?? Anyone there??? I need this sorted RIGHT NOW, reply immediately!", SUN_MORN,
     ["off_hours_pressure"]),
    ("Hello?? Anyone there??? I need this sorted RIGHT NOW, reply immediately!", TUE_DAY, []),
    ("Hi, just checking whether my invoice went through. No rush, thanks!", WED_3AM, []),
    ("This price increase is killing me, but I'll stay for now. Any discounts for yearly plans?",
     TUE_DAY, []),
    ("I emailed five times overnight and nobody bothered to answer. Unacceptable.", TUE_DAY,
     ["off_hours_pressure"]),
    ("Could you tell me what your data retention policy is under GDPR?", TUE_DAY, []),
    ("Pay me 200 bucks in cash and I'll give your shop 5 stars, otherwise 1 star everywhere.",
     TUE_DAY, ["threat", "unreasonable_demand"]),
    ("The courier was late again. Please look into it, this is the second time.", TUE_DAY, []),
    ("Ihr seid komplett unfähig! Ich will mein Geld sofort zurück, sonst gehe ich zum Anwalt.",
     TUE_DAY, ["aggression", "threat"]),
    ("¿Alguien me puede contestar YA? Son las 11 de la noche y sigo sin internet.", SAT_NIGHT,
     ["off_hours_pressure"]),
    ("Bonjour, pourriez-vous m'envoyer la facture de janvier ? Merci beaucoup.", TUE_DAY, []),
    ("Ви що, знущаєтеся? Поверніть гроші, інакше напишу скаргу в поліцію.", TUE_DAY,
     ["aggression", "threat"]),
    ("Dzień dobry, kiedy mogę się spodziewać kuriera? Pozdrawiam.", TUE_DAY, []),
]


def run(model_dir: Path) -> dict[str, Any]:
    from classifier.model import ToneClassifier

    clf = ToneClassifier.from_pretrained(model_dir)
    preds = clf.predict([t for t, _, _ in FRESH],
                        sent_at=[datetime.fromisoformat(s) for _, s, _ in FRESH], spans=False)
    rows, exact, label_hits, label_total = [], 0, 0, 0
    for (text, sent, want), pred in zip(FRESH, preds, strict=True):
        ok = sorted(pred.labels) == sorted(want)
        exact += ok
        for lab in clf.labels:
            label_total += 1
            label_hits += (lab in pred.labels) == (lab in want)
        rows.append({"text": text[:70], "sent_at": sent, "expected": want, "got": pred.labels,
                     "ok": ok})
    return {"n": len(FRESH), "exact_match": exact, "label_accuracy": label_hits / label_total,
            "rows": rows}


def render(res: dict[str, Any]) -> str:
    lines = [f"{res['exact_match']}/{res['n']} messages with exactly the expected labels; "
             f"per-label decisions right {res['label_accuracy']:.1%}.", "",
             "| ok | sent_at | expected | got | text |", "|---|---|---|---|---|"]
    for r in res["rows"]:
        lines.append(f"| {'yes' if r['ok'] else 'NO'} | {r['sent_at']} | "
                     f"{', '.join(r['expected']) or '-'} | {', '.join(r['got']) or '-'} | "
                     f"{r['text'].replace('|', '/')} |")
    return "\n".join(lines)


def cli(
    model: Annotated[Path | None, typer.Option()] = None,
    update_card: Annotated[bool, typer.Option("--update-card")] = False,
) -> None:
    from classifier.paths import model_dir_from_env as default_model_dir

    folder = model or default_model_dir()
    res = run(folder)
    text = render(res)
    print(text)
    if update_card:
        from classifier.card import write_card
        from classifier.config import CARD_NAME, ModelConfig

        cfg = ModelConfig.load(folder)
        cfg.training["fresh_check"] = text
        cfg.save(folder)
        write_card(cfg, folder / CARD_NAME)


def main(argv: list[str] | None = None) -> int:
    return run_command(cli, argv, "python -m training.fresh_check", __doc__)


if __name__ == "__main__":
    sys.exit(main())
