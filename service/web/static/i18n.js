// Interface strings in English and Russian. The language follows the browser
// until the agent picks one with the switch; the pick is remembered locally.

const STRINGS = {
  en: {
    "nav.skip": "Skip to content",
    "nav.main": "Main",
    "nav.inbox": "Inbox",
    "nav.try": "Try it",
    "nav.clients": "Clients",
    "lang.switch": "Language",
    "key.title": "Sign in with your API key",
    "key.help": "The key was printed by `toneguard keys create`. It is kept only for this browser tab session.",
    "key.label": "API key",
    "key.submit": "Open console",
    "key.forget": "Forget key",
    "key.rejected": "This key was not accepted. Check it and try again.",
    "common.loading": "Loading…",
    "common.error": "Something went wrong: {msg}",
    "common.retry": "Try again",
    "common.notFound": "Not found: it does not exist or belongs to another account.",
    "common.none": "None",
    "common.outside": "outside business hours",
    "common.outsideShort": "off-hours",
    "common.noLabels": "no flags",
    "label.aggression": "Aggression",
    "label.threat": "Threat",
    "label.unreasonable_demand": "Unreasonable demand",
    "label.off_hours_pressure": "Off-hours pressure",
    "risk.ok": "OK",
    "risk.watch": "Watch",
    "risk.difficult": "Difficult",
    "risk.consider_parting": "Consider parting",
    "risk.unknown": "Unknown",
    "inbox.title": "Inbox",
    "inbox.filterLabel": "Flag",
    "inbox.filterRisk": "Client risk",
    "inbox.filterClient": "Client",
    "inbox.any": "Any",
    "inbox.apply": "Filter",
    "inbox.reset": "Reset",
    "inbox.when": "Arrived",
    "inbox.client": "Client",
    "inbox.channel": "Channel",
    "inbox.flags": "Flags",
    "inbox.message": "Message",
    "inbox.empty": "No messages match.",
    "inbox.newer": "Newer",
    "inbox.older": "Older",
    "inbox.count": "{shown} of {total}",
    "inbox.page": "Page {page}",
    "message.title": "Message",
    "message.from": "From",
    "message.channel": "Channel",
    "message.sent": "Sent",
    "message.lang": "Language",
    "message.legend": "Legend",
    "message.text": "Text",
    "message.quoted": "Quoted earlier message or signature (ignored by the classifier)",
    "message.quotedLegend": "quoted / signature",
    "message.replies": "Suggested replies",
    "message.noReplies": "No suggested replies.",
    "message.copy": "Copy",
    "message.copied": "Copied",
    "message.copyFailed": "Could not copy; select the text and copy it by hand.",
    "message.step": "Step: {step}",
    "message.wrong": "Labels are wrong",
    "message.feedbackTitle": "Correct the labels",
    "message.feedbackHelp": "Tick the labels this message should have; leave all unticked if none apply.",
    "message.feedbackSend": "Send correction",
    "message.feedbackCancel": "Cancel",
    "message.feedbackThanks": "Thank you, the correction was saved.",
    "message.back": "Back to inbox",
    "message.clientRisk": "Client risk",
    "message.score": "score {score}",
    "client.title": "Client {id}",
    "client.risk": "Risk",
    "client.riskScore": "risk score {score}",
    "client.seen": "{n} messages seen",
    "client.reasons": "Why",
    "client.noReasons": "Nothing worrying so far.",
    "client.counts": "Flags by period",
    "client.label": "Flag",
    "client.d7": "7 days",
    "client.d30": "30 days",
    "client.all": "All time",
    "client.chart": "Flagged messages per day",
    "client.chartSummary": "{flagged} flagged messages between {from} and {to}.",
    "client.chartEmpty": "No messages in the timeline yet.",
    "client.evidence": "Evidence",
    "client.noEvidence": "No flagged messages.",
    "client.open": "Open message",
    "clients.title": "Clients by risk",
    "clients.empty": "No clients match.",
    "clients.score": "Score",
    "clients.seen": "Messages",
    "clients.lastSeen": "Last message",
    "try.title": "Try a message",
    "try.help": "Paste a message to see its flags and suggested replies. Nothing is stored.",
    "try.text": "Message text",
    "try.sentAt": "Send time (optional)",
    "try.submit": "Check",
    "try.empty": "Type or paste a message first.",
    "try.result": "Result",
    "try.model": "Model: {model}",
  },
  ru: {
    "nav.skip": "Перейти к содержимому",
    "nav.main": "Основное меню",
    "nav.inbox": "Входящие",
    "nav.try": "Проверить",
    "nav.clients": "Клиенты",
    "lang.switch": "Язык",
    "key.title": "Вход по API-ключу",
    "key.help": "Ключ выдаёт команда `toneguard keys create`. Он хранится только в этой вкладке до её закрытия.",
    "key.label": "API-ключ",
    "key.submit": "Открыть консоль",
    "key.forget": "Забыть ключ",
    "key.rejected": "Ключ не подошёл. Проверьте его и попробуйте снова.",
    "common.loading": "Загрузка…",
    "common.error": "Ошибка: {msg}",
    "common.retry": "Повторить",
    "common.notFound": "Не найдено: такой записи нет или она принадлежит другому аккаунту.",
    "common.none": "Нет",
    "common.outside": "вне рабочего времени",
    "common.outsideShort": "нерабочее время",
    "common.noLabels": "без пометок",
    "label.aggression": "Агрессия",
    "label.threat": "Угроза",
    "label.unreasonable_demand": "Необоснованное требование",
    "label.off_hours_pressure": "Давление в нерабочее время",
    "risk.ok": "Норма",
    "risk.watch": "Наблюдать",
    "risk.difficult": "Сложный",
    "risk.consider_parting": "Стоит расстаться",
    "risk.unknown": "Неизвестно",
    "inbox.title": "Входящие",
    "inbox.filterLabel": "Пометка",
    "inbox.filterRisk": "Риск клиента",
    "inbox.filterClient": "Клиент",
    "inbox.any": "Любая",
    "inbox.apply": "Показать",
    "inbox.reset": "Сбросить",
    "inbox.when": "Получено",
    "inbox.client": "Клиент",
    "inbox.channel": "Канал",
    "inbox.flags": "Пометки",
    "inbox.message": "Сообщение",
    "inbox.empty": "Подходящих сообщений нет.",
    "inbox.newer": "Новее",
    "inbox.older": "Старее",
    "inbox.count": "{shown} из {total}",
    "inbox.page": "Страница {page}",
    "message.title": "Сообщение",
    "message.from": "От",
    "message.channel": "Канал",
    "message.sent": "Отправлено",
    "message.lang": "Язык",
    "message.legend": "Обозначения",
    "message.text": "Текст",
    "message.quoted": "Цитата прежнего письма или подпись (классификатор её не учитывает)",
    "message.quotedLegend": "цитата / подпись",
    "message.replies": "Предлагаемые ответы",
    "message.noReplies": "Нет предложенных ответов.",
    "message.copy": "Копировать",
    "message.copied": "Скопировано",
    "message.copyFailed": "Не удалось скопировать: выделите текст и скопируйте вручную.",
    "message.step": "Шаг: {step}",
    "message.wrong": "Пометки неверны",
    "message.feedbackTitle": "Исправить пометки",
    "message.feedbackHelp": "Отметьте пометки, которые должны быть у сообщения; если никакие не подходят, снимите все.",
    "message.feedbackSend": "Отправить исправление",
    "message.feedbackCancel": "Отмена",
    "message.feedbackThanks": "Спасибо, исправление сохранено.",
    "message.back": "Ко входящим",
    "message.clientRisk": "Риск клиента",
    "message.score": "оценка {score}",
    "client.title": "Клиент {id}",
    "client.risk": "Риск",
    "client.riskScore": "оценка риска {score}",
    "client.seen": "сообщений: {n}",
    "client.reasons": "Почему",
    "client.noReasons": "Пока ничего тревожного.",
    "client.counts": "Пометки по периодам",
    "client.label": "Пометка",
    "client.d7": "7 дней",
    "client.d30": "30 дней",
    "client.all": "Всё время",
    "client.chart": "Сообщения с пометками по дням",
    "client.chartSummary": "Сообщений с пометками: {flagged} (с {from} по {to}).",
    "client.chartEmpty": "Сообщений пока нет.",
    "client.evidence": "Доказательства",
    "client.noEvidence": "Сообщений с пометками нет.",
    "client.open": "Открыть сообщение",
    "clients.title": "Клиенты по степени риска",
    "clients.empty": "Подходящих клиентов нет.",
    "clients.score": "Оценка",
    "clients.seen": "Сообщений",
    "clients.lastSeen": "Последнее сообщение",
    "reason.legal_threat": "угрозы судом или юристом: {count} за последние {days}",
    "reason.threat": "угрозы: {count} за последние {days}",
    "reason.aggression": "сообщения с оскорблениями или агрессией: {count} за последние {days}",
    "reason.unreasonable_demand": "необоснованные требования: {count} за последние {days}",
    "reason.night_pressure": "ночные сообщения с требованием немедленного ответа: {count}",
    "reason.off_hours_pressure": "сообщения в нерабочее время с требованием немедленного ответа: {count}",
    "try.title": "Проверить сообщение",
    "try.help": "Вставьте сообщение, чтобы увидеть пометки и варианты ответа. Ничего не сохраняется.",
    "try.text": "Текст сообщения",
    "try.sentAt": "Время отправки (необязательно)",
    "try.submit": "Проверить",
    "try.empty": "Сначала введите или вставьте сообщение.",
    "try.result": "Результат",
    "try.model": "Модель: {model}",
  },
};

export const LANGS = Object.keys(STRINGS);
const PREF = "toneguard.lang";

function browserLang() {
  const wanted = navigator.languages && navigator.languages.length
    ? navigator.languages : [navigator.language || "en"];
  for (const tag of wanted) {
    const base = String(tag).toLowerCase().split("-")[0];
    if (STRINGS[base]) return base;
  }
  return "en";
}

let current = (() => {
  try {
    const saved = localStorage.getItem(PREF);
    if (saved && STRINGS[saved]) return saved;
  } catch (_) { /* storage may be disabled */ }
  return browserLang();
})();

export function lang() { return current; }

export function setLang(code) {
  if (!STRINGS[code]) return;
  current = code;
  try { localStorage.setItem(PREF, code); } catch (_) { /* not fatal */ }
}

/** Translate a key and fill {placeholders}; unknown keys show the key itself. */
export function t(key, vars = {}) {
  const table = STRINGS[current] || STRINGS.en;
  const text = table[key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

export function labelName(label) {
  const key = `label.${label}`;
  const text = t(key);
  return text === key ? String(label) : text;
}

export function riskName(level) {
  const key = `risk.${level}`;
  const text = t(key);
  return text === key ? String(level ?? t("risk.unknown")) : text;
}

export function formatDateTime(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Intl.DateTimeFormat(current, { dateStyle: "medium", timeStyle: "short" }).format(d);
}

export function formatDate(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Intl.DateTimeFormat(current, { day: "numeric", month: "short" }).format(d);
}

const DAY_WORDS = { ru: { one: "день", few: "дня", many: "дней", other: "дня" } };

/** "30 дней", "2 дня": a day count with the right plural form where the language needs it. */
export function formatDays(n) {
  const words = DAY_WORDS[current];
  if (!words) return `${n} days`;
  return `${n} ${words[new Intl.PluralRules(current).select(n)] || words.other}`;
}

/**
 * A risk reason in the interface language. The API writes reasons in English;
 * for other languages the reason's code and numbers are enough to say it again.
 */
export function reasonText(reason) {
  if (typeof reason === "string") return reason;
  const key = `reason.${reason.code}`;
  const table = STRINGS[current] || STRINGS.en;
  if (current !== "en" && table[key] && Number.isFinite(Number(reason.count))) {
    return t(key, { count: reason.count, days: formatDays(Number(reason.days) || 30) });
  }
  return String(reason.text ?? reason.code ?? "");
}

export function formatScore(score) {
  const n = Number(score);
  return Number.isFinite(n) ? `${Math.round(n * 100)}%` : "–";
}
