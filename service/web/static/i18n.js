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
    "inbox.when": "Sent",
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
    "clock.sender": "sender, {offset}",
    "clock.tenant": "{zone}, tenant",
    "clock.arrived": "arrived",
    "inbox.sortNote": "Newest first by send time; a message without one is placed by its arrival time (marked \u201carrived\u201d).",
    "inbox.clientSearch": "part of the name or address",
    "message.correctedBy": "Corrected by {agent}",
    "message.anAgent": "an agent",
    "message.agentName": "Your name (shown with the correction)",
    "client.chartClock": "(days on each sender's clock; {zone}, tenant, where unknown)",
    "try.offset": "Sender's UTC offset",
    "try.judgedAt": "Judged at {when} ({clock})",
    "step.acknowledge": "acknowledge",
    "step.apologise": "apologise",
    "step.boundary_tone": "set a boundary on tone",
    "step.decline_offer": "decline and offer an alternative",
    "step.late_payment": "late payment",
    "step.listen": "listen",
    "step.part_ways": "part ways",
    "step.threat_procedure": "answer a threat with the complaints procedure",
    "step.working_hours": "working hours",
    "try.title": "Try a message",
    "try.help": "Paste a message to see its flags and suggested replies. Nothing is stored.",
    "try.text": "Message text",
    "try.sentAt": "Send time (optional)",
    "try.submit": "Check",
    "try.empty": "Type or paste a message first.",
    "try.result": "Result",
    "try.model": "Model: {model}",
    "nav.review": "Review",
    "nav.jobs": "Failed jobs",
    "jobs.title": "Failed jobs",
    "jobs.help": "Background jobs (webhook deliveries, write-back to the helpdesk, alerts) that failed every attempt. Fix the cause (a token, an address), then send a job back to the queue.",
    "jobs.count": "{n} failed",
    "jobs.empty": "No failed jobs.",
    "jobs.error": "Last error: {error}",
    "jobs.attempts": "Attempts: {n} of {max}",
    "jobs.retry": "Retry",
    "jobs.retried": "Job {id} is queued again.",
    "review.title": "Review queue",
    "review.help": "The model was unsure about these: the score sat within {band} of the threshold. Say whether the label applies; your answer is saved as a correction under your name.",
    "review.agent": "Your name (saved with each answer)",
    "review.count": "{n} waiting",
    "review.empty": "Nothing waits for review.",
    "review.flaggedQ": "Flagged as {label}. Is that right?",
    "review.unflaggedQ": "Not flagged as {label}, but nearly. Does it apply?",
    "review.scoreVs": "score {score}, threshold {threshold}",
    "review.confirm": "Yes, it applies",
    "review.reject": "No, it does not",
    "review.confirmed": "Saved: {label} applies.",
    "review.rejected": "Saved: {label} does not apply.",
    "trend.title": "Flags per week, by label",
    "trend.week": "Week of {date}: {flagged} flagged of {messages} messages",
    "trend.summary": "{flags} flags in {weeks} weeks since {from}.",
    "worth.title": "Worth keeping?",
    "worth.value": "Value",
    "worth.noValue": "No value attached yet (PUT /v1/clients/{id}/value or a CSV import).",
    "worth.perMonth": "{amount} per month",
    "worth.perYear": "{amount} per year",
    "worth.plan": "plan {plan}",
    "worth.cost": "Cost to serve, last {days}",
    "worth.messages": "Messages",
    "worth.flagged": "Flagged",
    "worth.offHours": "Outside business hours",
    "worth.corrections": "Corrections by agents",
    "worth.allTime": "Messages, all time",
    "worth.partingShown": "Parting-ways replies are shown because the risk is {level}: {flagged} flagged of {messages} messages in {days}.",
    "worth.partingHidden": "Parting-ways replies are not offered: the risk is {level}; they appear only at Consider parting ({flagged} flagged of {messages} messages in {days}).",
    "export.csv": "Export CSV",
    "export.done": "The CSV file was downloaded.",
    "nav.settings": "Settings",
    "settings.title": "Sensitivity",
    "settings.help": "How sure the model must be before a message is flagged. Flags feed the clients' counts, risk levels and alerts.",
    "settings.appliesToNew": "Changes apply to messages that arrive from now on. Messages already stored keep the labels they were given, and each message records the thresholds that decided it.",
    "settings.preset": "Preset for all labels",
    "settings.preset.low": "Low",
    "settings.preset.normal": "Normal",
    "settings.preset.high": "High",
    "settings.presetHelp.low": "fewer flags: a label needs twice the odds the model's own threshold asks for",
    "settings.presetHelp.normal": "the model's own thresholds, tuned for precision",
    "settings.presetHelp.high": "more flags: half the odds is enough",
    "settings.thresholds": "Thresholds per label (calibrated score, %)",
    "settings.model": "Model",
    "settings.fromPreset": "Preset",
    "settings.custom": "Own threshold",
    "settings.effective": "In use",
    "settings.customHelp": "Leave a threshold empty to follow the preset; a number between 0 and 100 fixes that label's threshold.",
    "settings.save": "Save",
    "settings.reset": "Back to the model's thresholds",
    "settings.saved": "Saved. New messages use these thresholds.",
    "settings.invalid": "{label}: the threshold must be a number above 0 and below 100.",
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
    "inbox.when": "Отправлено",
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
    "clock.sender": "отправитель, {offset}",
    "clock.tenant": "{zone}, компания",
    "clock.arrived": "получено",
    "inbox.sortNote": "Сначала новые по времени отправки; сообщение без него стоит по времени получения (с пометкой «получено»).",
    "inbox.clientSearch": "часть имени или адреса",
    "message.correctedBy": "Исправлено: {agent}",
    "message.anAgent": "сотрудник",
    "message.agentName": "Ваше имя (будет видно у исправления)",
    "client.chartClock": "(дни по часам отправителя; где они неизвестны — {zone}, компания)",
    "try.offset": "Смещение отправителя от UTC",
    "try.judgedAt": "Оценено для {when} ({clock})",
    "step.acknowledge": "подтвердить получение",
    "step.apologise": "извиниться",
    "step.boundary_tone": "обозначить границы тона",
    "step.decline_offer": "отказать и предложить альтернативу",
    "step.late_payment": "просрочка оплаты",
    "step.listen": "выслушать",
    "step.part_ways": "расстаться",
    "step.threat_procedure": "ответ на угрозу: порядок подачи жалобы",
    "step.working_hours": "рабочие часы",
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
    "nav.review": "Проверка",
    "nav.jobs": "Сбои задач",
    "jobs.title": "Задачи, которые не удалось выполнить",
    "jobs.help": "Фоновые задачи (обработка вебхуков, запись в хелпдеск, оповещения), у которых не получилась ни одна попытка. Устраните причину (токен, адрес) и верните задачу в очередь.",
    "jobs.count": "Не выполнено: {n}",
    "jobs.empty": "Невыполненных задач нет.",
    "jobs.error": "Последняя ошибка: {error}",
    "jobs.attempts": "Попыток: {n} из {max}",
    "jobs.retry": "Повторить",
    "jobs.retried": "Задача {id} снова в очереди.",
    "review.title": "Очередь проверки",
    "review.help": "Здесь модель сомневалась: оценка отличается от порога меньше чем на {band}. Укажите, подходит ли пометка; ответ сохранится как исправление с вашим именем.",
    "review.agent": "Ваше имя (сохраняется с каждым ответом)",
    "review.count": "Ждут проверки: {n}",
    "review.empty": "Проверять нечего.",
    "review.flaggedQ": "Помечено: {label}. Верно?",
    "review.unflaggedQ": "Почти помечено: {label}. Подходит?",
    "review.scoreVs": "оценка {score}, порог {threshold}",
    "review.confirm": "Да, подходит",
    "review.reject": "Нет, не подходит",
    "review.confirmed": "Сохранено: {label} — подходит.",
    "review.rejected": "Сохранено: {label} — не подходит.",
    "trend.title": "Пометки по неделям",
    "trend.week": "Неделя с {date}: помечено {flagged} из {messages} сообщений",
    "trend.summary": "Пометок: {flags} за {weeks} нед. с {from}.",
    "worth.title": "Стоит ли удерживать клиента?",
    "worth.value": "Ценность",
    "worth.noValue": "Ценность клиента пока не указана (PUT /v1/clients/{id}/value или импорт CSV).",
    "worth.perMonth": "{amount} в месяц",
    "worth.perYear": "{amount} в год",
    "worth.plan": "тариф {plan}",
    "worth.cost": "Затраты на обслуживание за {days}",
    "worth.messages": "Сообщения",
    "worth.flagged": "С пометками",
    "worth.offHours": "Вне рабочего времени",
    "worth.corrections": "Исправления агентов",
    "worth.allTime": "Сообщения за всё время",
    "worth.partingShown": "Ответы о прекращении сотрудничества предлагаются, потому что риск — «{level}»: помечено {flagged} из {messages} сообщений за {days}.",
    "worth.partingHidden": "Ответы о прекращении сотрудничества не предлагаются: риск — «{level}», они появляются только при уровне «Стоит расстаться» (помечено {flagged} из {messages} сообщений за {days}).",
    "export.csv": "Экспорт CSV",
    "export.done": "Файл CSV скачан.",
    "nav.settings": "Настройки",
    "settings.title": "Чувствительность",
    "settings.help": "Насколько модель должна быть уверена, чтобы пометить сообщение. Пометки учитываются в счётчиках клиентов, уровне риска и оповещениях.",
    "settings.appliesToNew": "Изменения действуют для сообщений, которые придут после сохранения. Уже сохранённые сообщения сохраняют свои пометки, и у каждого сообщения записаны пороги, по которым оно размечено.",
    "settings.preset": "Уровень для всех пометок",
    "settings.preset.low": "Низкая",
    "settings.preset.normal": "Обычная",
    "settings.preset.high": "Высокая",
    "settings.presetHelp.low": "меньше пометок: нужны вдвое большие шансы, чем по собственному порогу модели",
    "settings.presetHelp.normal": "собственные пороги модели, настроенные на точность",
    "settings.presetHelp.high": "больше пометок: достаточно вдвое меньших шансов",
    "settings.thresholds": "Пороги по пометкам (калиброванная оценка, %)",
    "settings.model": "Модель",
    "settings.fromPreset": "По уровню",
    "settings.custom": "Свой порог",
    "settings.effective": "Действует",
    "settings.customHelp": "Оставьте порог пустым, чтобы он следовал уровню; число от 0 до 100 задаёт порог этой пометки.",
    "settings.save": "Сохранить",
    "settings.reset": "Вернуть пороги модели",
    "settings.saved": "Сохранено. Новые сообщения размечаются по этим порогам.",
    "settings.invalid": "{label}: порог должен быть числом больше 0 и меньше 100.",
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
  // A missing value shows as a dash, never as the words "null" or "undefined".
  return text.replace(/\{(\w+)\}/g, (m, name) => {
    if (!(name in vars)) return m;
    const v = vars[name];
    return v === null || v === undefined || (typeof v === "number" && Number.isNaN(v)) ? "–" : String(v);
  });
}

export function labelName(label) {
  const key = `label.${label}`;
  const text = t(key);
  return text === key ? String(label) : text;
}

/** A playbook step's name; an unknown step id is shown as words, never as `snake_case`. */
export function stepName(step) {
  const key = `step.${step}`;
  const text = t(key);
  return text === key ? String(step).replace(/_/g, " ") : text;
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
