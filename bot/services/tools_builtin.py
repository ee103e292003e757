"""The tool catalogue we ship: the categories and one-line descriptions migration 0003 seeds (rows
with `added_by` NULL), marked for the catalogue so people read them in their language.

The migration keeps its own copy (a migration never imports the application); a test checks the
two lists stay the same. Tool names are not translated. A description HR typed (a tool HR added,
or a seeded one HR offered again with a new description) is shown as typed.
"""

from __future__ import annotations

from bot.i18n import N_, _

# (category, tool name, what you can do with it), in the migration's order.
CATALOGUE: tuple[tuple[str, str, str], ...] = (
    (
        N_("Social networks"),
        "LinkedIn",
        N_("Build a profile, follow people and share what your team does"),
    ),
    (
        N_("Social networks"),
        "Instagram",
        N_("Follow brands and colleagues, post photos and stories"),
    ),
    (
        N_("Social networks"),
        "TikTok",
        N_("Watch and make short videos; see how younger audiences talk"),
    ),
    (
        N_("Social networks"),
        "Reddit",
        N_("Find expert communities and ask questions that get real answers"),
    ),
    (N_("Social networks"), "Bluesky", N_("Follow news and people in an open, chronological feed")),
    (
        N_("Messaging and collaboration"),
        "Slack power features",
        N_("Threads, huddles, canvases, workflows, reminders and search operators"),
    ),
    (
        N_("Messaging and collaboration"),
        "WhatsApp",
        N_("Groups, communities, voice notes and video calls"),
    ),
    (
        N_("Messaging and collaboration"),
        "Notion",
        N_("Shared pages, wikis and databases for a team"),
    ),
    (
        N_("Messaging and collaboration"),
        "Microsoft Teams",
        N_("Channels, meetings and shared files"),
    ),
    (N_("Messaging and collaboration"), "Miro", N_("Run a workshop on an online whiteboard")),
    (
        N_("Generative AI assistants"),
        "ChatGPT",
        N_("Draft, summarise, brainstorm and analyse with an AI assistant"),
    ),
    (
        N_("Generative AI assistants"),
        "Claude",
        N_("Work through long documents and writing with an AI assistant"),
    ),
    (
        N_("Generative AI assistants"),
        "Microsoft Copilot",
        N_("Use AI inside Word, Excel, Outlook and Teams"),
    ),
    (N_("Generative AI assistants"), "Gemini", N_("Use AI inside Gmail, Docs and Google search")),
    (
        N_("Generative AI assistants"),
        "Prompt writing",
        N_("Ask AI tools for what you need and check what they answer"),
    ),
    (
        N_("Smartphone productivity"),
        "Smartphone shortcuts",
        N_("Gestures, widgets, focus modes and the shortcuts nobody shows you"),
    ),
    (
        N_("Smartphone productivity"),
        "Password managers",
        N_("Strong, unique passwords and passkeys without remembering them"),
    ),
    (
        N_("Smartphone productivity"),
        "Mobile scanning",
        N_("Scan, sign and share documents from your phone"),
    ),
    (
        N_("Smartphone productivity"),
        "Calendar and tasks apps",
        N_("Plan your week and never lose a to-do"),
    ),
    (
        N_("Spreadsheets and automation"),
        "Excel formulas",
        N_("XLOOKUP, pivot tables and charts that answer questions"),
    ),
    (
        N_("Spreadsheets and automation"),
        "Google Sheets",
        N_("Shared spreadsheets, filters and live collaboration"),
    ),
    (
        N_("Spreadsheets and automation"),
        "Zapier",
        N_("Connect apps and automate repetitive steps without code"),
    ),
    (
        N_("Spreadsheets and automation"),
        "Power Automate",
        N_("Automate approvals and file handling in Microsoft 365"),
    ),
    (
        N_("Video and creator tools"),
        "Canva",
        N_("Make good-looking slides, posters and posts in minutes"),
    ),
    (
        N_("Video and creator tools"),
        "CapCut",
        N_("Edit short videos with captions, music and effects"),
    ),
    (N_("Video and creator tools"), "Loom", N_("Record a quick screen video instead of a meeting")),
    (N_("Video and creator tools"), "Podcasting", N_("Find, follow and record podcasts")),
)

# Where tools added by HR are listed in the profile modal's selects (stored as is).
ADDED_CATEGORY = N_("More tools")

# Every category a tool can have: the seeded ones and the one for HR's additions.
CATEGORIES: frozenset[str] = frozenset(
    [category for category, _name, _description in CATALOGUE] + [ADDED_CATEGORY]
)
# Every seeded description: a tool with `added_by` NULL and one of these is described by us.
DESCRIPTIONS: frozenset[str] = frozenset(description for _c, _n, description in CATALOGUE)


def shown_category(category: str) -> str:
    """A category as people read it: ours in their language, any other as stored."""
    return _(category) if category in CATEGORIES else category


def shown_description(description: str, *, builtin: bool) -> str:
    """A tool's one-line description as people read it: a seeded one (`builtin`) in their
    language, one HR typed as typed."""
    return _(description) if builtin and description in DESCRIPTIONS else description
