"""What the synthetic organisation is made of: names, queues, tags, channels, texts, and the
rhythm of the week, as data."""

from __future__ import annotations

__all__ = [
    "AGENT_TEXTS",
    "ASCII",
    "CHANNELS",
    "CUSTOMER_TEXTS",
    "DAY",
    "EMAIL_LIKE",
    "FIRST",
    "HOSTILE_AGENT",
    "HOSTILE_QUEUE",
    "HOSTILE_SUBJECT",
    "HOSTILE_TAGS",
    "HOUR",
    "HOUR_OF_DAY",
    "LANGUAGES",
    "LAST",
    "MINUTE",
    "NONE",
    "NOTE_TEXTS",
    "PHONE_LIKE",
    "QUEUES",
    "RATING_MESSAGES",
    "REASONS",
    "SECOND",
    "SHOWCASE",
    "SUBJECTS",
    "TAGS",
    "TEMPLATES",
    "WEEKDAY",
]

SECOND = 1000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR


FIRST = (
    "Alex", "Maja", "Jonas", "Sofie", "Lukas", "Emma", "Noah", "Ida", "Oscar", "Freja",
    "William", "Clara", "Jörg", "Åsa", "Mikkel", "Laura", "Hannah", "Felix", "Nora", "Elias",
    "Sara", "Victor", "Anna", "Emil", "Julie", "Magnus", "Ella", "Oliver", "Lea", "Yuki",
)  # fmt: skip
LAST = (
    "Hansen", "Jensen", "Nielsen", "Schmidt", "Müller", "Larsen", "Berg", "Andersson",
    "Kowalski", "Dubois", "Rossi", "Tanaka", "Smith", "Olsen", "Fischer", "Lindqvist",
    "Petersen", "de Vries", "García", "Novak", "O'Brien", "Weber", "Nakamura", "Holm",
)  # fmt: skip
ASCII = str.maketrans({"ö": "o", "å": "a", "ü": "u", "í": "i", "é": "e", "'": "", " ": ""})

# name, is_default, priority, share of inbound volume, first-response factor
QUEUES = (
    ("Support", True, 0, 0.36, 1.0),
    ("Billing", False, 1, 0.22, 1.25),
    ("Returns & Exchanges", False, 1, 0.17, 1.1),
    ("Technical", False, 2, 0.15, 1.6),
    ("VIP", False, 3, 0.06, 0.35),
    ("Partnerships", False, 1, 0.04, 2.0),
)
HOSTILE_QUEUE = '<script>alert("q")</script>'

# name, trend (+1 rising, -1 falling, -2 discontinued mid-window), weight, favoured queue
TAGS = (
    ("order-status", 0, 1.3, "Support"),
    ("shipping", -1, 1.2, None),
    ("billing & invoices", 0, 1.0, "Billing"),
    ("refund", 1, 1.0, "Returns & Exchanges"),
    ("Rückerstattung", 1, 0.7, "Returns & Exchanges"),
    ("配送", -1, 0.7, None),
    ("bug", 0, 0.6, "Technical"),
    ("password-reset", 1, 0.5, "Technical"),
    ("complaint", 0, 0.4, None),
    ("<vip>", 0, 0.3, "VIP"),
    ("feature-request", -1, 0.3, "Technical"),
    ("winter-sale", -2, 0.6, None),
)
HOSTILE_TAGS = (
    ('<script>alert("x")</script>', 0, 0.4, None),
    ('"><img src=x onerror=alert(1)>', 0, 0.3, None),
)
HOSTILE_AGENT = '<b>Eve</b> "><img src=x onerror=alert(1)>'
HOSTILE_SUBJECT = '<script>alert("x")</script> where is my order?'

# channel, share, first-response median (s), sigma, reply median (s), exchanges (min, max)
CHANNELS = (
    ("email", 0.38, 3 * 3600, 1.0, 4 * 3600, (0, 3)),
    ("widget_chat", 0.30, 100, 0.9, 60, (1, 6)),
    ("phone", 0.13, 35, 0.6, 600, (0, 1)),
    ("contact_form", 0.07, 4 * 3600, 0.9, 5 * 3600, (0, 2)),
    ("facebook_messenger", 0.05, 15 * 60, 1.0, 20 * 60, (1, 4)),
    ("callback", 0.04, 40 * 60, 0.8, 3600, (0, 1)),
    ("voice_mail", 0.03, 3 * 3600, 0.8, 3 * 3600, (0, 1)),
)
NONE: list[str] = []  # shared by every message without cc/images/attachments (read-only)
EMAIL_LIKE = frozenset({"email", "contact_form"})
PHONE_LIKE = frozenset({"phone", "callback", "voice_mail"})

SUBJECTS = (
    "Where is my order #{n}?",
    "Invoice {n} looks wrong",
    "Refund for order #{n}",
    "Can't log in",
    "Wrong size delivered (order #{n})",
    "Lieferung verspätet – Bestellung {n}",
    "配送について ({n})",
    "Question about my subscription",
    "Damaged item in parcel {n}",
    "Change delivery address",
)
CUSTOMER_TEXTS = (
    "Hi, I have not received my order yet.",
    "Could you please check the status?",
    "Thanks, but it still does not work.",
    "Hej, kan I hjælpe mig?",
    "I was charged twice for the same order.",
    "Any update on this?",
    "Ich möchte gerne mein Geld zurück.",
    "The parcel arrived damaged.",
)
AGENT_TEXTS = (
    "Thanks for reaching out! Let me look into this for you.",
    "I have checked your order and it is on its way.",
    "I have issued a refund; it will show within 5 business days.",
    "Could you send me a photo of the item?",
    "I have reset your password; please try again.",
    "Is there anything else I can help you with?",
)
NOTE_TEXTS = (
    "Customer called twice about this.",
    "Escalated to the warehouse team.",
    "Refund approved by team lead.",
    "Possible duplicate of an earlier conversation.",
    "Checked with billing: invoice corrected.",
)
TEMPLATES = ("Default auto-reply", "Out of office", "We received your email")
LANGUAGES = ("en", "da", "de", "sv", "nl")
REASONS = ("Needs billing expertise", "Customer speaks German", "Escalation", None)
RATING_MESSAGES = ("Great help, thanks!", "Slow answer.", "Problem solved.", None, None)

# Showcase conversations: the first ones get these so that every activity type occurs even in
# a small organisation.
SHOWCASE: tuple[tuple[str | None, frozenset[str]], ...] = (
    ("email", frozenset({"autoreply", "language", "reject", "timeout", "note", "followup",
                         "followup_removed", "rating", "rated", "transfer", "transfer_agent"})),
    ("widget_chat", frozenset({"reserved", "claim", "tags", "tag_removal", "transfer",
                               "transfer_fail", "pending", "rating", "rating_unscheduled",
                               "followup", "followup_expired"})),
    ("email", frozenset({"transfer", "transfer_queue", "unassign", "reopen", "reopen_again",
                         "rating", "rating_cancelled", "end_user_replaced", "tags"})),
    ("outbound", frozenset({"note", "tags"})),
)  # fmt: skip


WEEKDAY = (1.25, 1.15, 1.1, 1.05, 0.95, 0.45, 0.35)
HOUR_OF_DAY = (
    0.08, 0.05, 0.04, 0.04, 0.06, 0.15, 0.35, 0.7, 1.0, 1.25, 1.3, 1.25,
    1.1, 1.2, 1.25, 1.15, 1.0, 0.85, 0.7, 0.6, 0.5, 0.4, 0.25, 0.14,
)  # fmt: skip
