"""The prompts we ship: the weekly prompt catalogue migration 0005 seeds (rows with `added_by`
NULL), marked for the catalogue so a pair reads them in its language.

The migration keeps its own copy (a migration never imports the application); a test checks the
two lists stay the same. Tool names are catalogue data and are not translated; `{tool}` is the
pair's tool, filled in after the text is translated.
"""

from __future__ import annotations

from bot.i18n import N_

# "Teach me a tool" prompts for one catalogue tool: (tool name, prompt, 20-minute exercise).
TOOL_PROMPTS: tuple[tuple[str, str, str], ...] = (
    (
        "LinkedIn",
        N_("Show how you make a LinkedIn post people actually read."),
        N_("Set up a LinkedIn post together about something your team shipped, and schedule it."),
    ),
    (
        "LinkedIn",
        N_("Tidy up a LinkedIn profile together."),
        N_("Rewrite the headline and About section, then add three skills and a featured post."),
    ),
    (
        "Instagram",
        N_("Walk through how brands and colleagues use Instagram stories."),
        N_("Follow five accounts in the learner's field and post a test story to close friends."),
    ),
    (
        "TikTok",
        N_("Decode a TikTok trend together: why does it work?"),
        N_("Watch three videos on one trend and sketch how your company could join in."),
    ),
    (
        "Reddit",
        N_("Find where the experts in your field talk on Reddit."),
        N_("Find two subreddits for the learner's field, read a top thread and draft a question."),
    ),
    (
        "Slack power features",
        N_("Show the Slack features that save an hour a week."),
        N_("Set up a reminder, a saved search with operators and a scheduled message together."),
    ),
    (
        "WhatsApp",
        N_("Organise a group the way people do it on WhatsApp."),
        N_("Create a community with two groups, pin a message and send a voice note."),
    ),
    (
        "Notion",
        N_("Build a shared page for something the learner tracks by email today."),
        N_("Make a Notion database with three properties and a board view, then share it."),
    ),
    (
        "Microsoft Teams",
        N_("Run a better meeting in Teams."),
        N_(
            "Set up a channel meeting with an agenda, turn on the transcript and try breakout "
            "rooms."
        ),
    ),
    (
        "Miro",
        N_("Plan a workshop on a whiteboard."),
        N_("Build a retrospective board in Miro from a template and run it for ten minutes."),
    ),
    (
        "ChatGPT",
        N_("Use ChatGPT on a real piece of the learner's work."),
        N_("Summarise a long email thread with ChatGPT, then ask it for a reply in your tone."),
    ),
    (
        "ChatGPT",
        N_("Brainstorm with ChatGPT and check its answers."),
        N_("Ask for ten ideas for a team event, then ask it to critique its own top three."),
    ),
    (
        "Claude",
        N_("Work through a long document with Claude."),
        N_(
            "Upload a public report and ask Claude for the three decisions it implies, with quotes."
        ),
    ),
    (
        "Microsoft Copilot",
        N_("Let Copilot do the first draft in Word or Outlook."),
        N_("Draft a project update with Copilot from bullet points and rewrite it for executives."),
    ),
    (
        "Gemini",
        N_("Use Gemini inside Gmail and Docs."),
        N_("Ask Gemini to find every email about one project and draft a status note in Docs."),
    ),
    (
        "Prompt writing",
        N_("Write prompts that get useful answers."),
        N_("Turn one vague request into a prompt with role, context, format and an example."),
    ),
    (
        "Smartphone shortcuts",
        N_("Show the phone shortcuts nobody teaches."),
        N_("Set up a focus mode for meetings and a widget for the learner's most used app."),
    ),
    (
        "Password managers",
        N_("Move to a password manager without pain."),
        N_("Install one, save five logins, turn on a passkey for one account."),
    ),
    (
        "Mobile scanning",
        N_("Scan, sign and send a document from a phone."),
        N_("Scan a paper form with the phone, sign it and send it as a PDF."),
    ),
    (
        "Calendar and tasks apps",
        N_("Plan next week in the learner's calendar and task app."),
        N_("Block focus time, turn three emails into tasks with due dates and share one list."),
    ),
    (
        "Excel formulas",
        N_("Answer a real question with a pivot table."),
        N_("Build a pivot table and a chart from a sample of the learner's data, then an XLOOKUP."),
    ),
    (
        "Google Sheets",
        N_("Collaborate live in Google Sheets."),
        N_("Share a sheet, add a filter view and a comment with an @mention."),
    ),
    (
        "Zapier",
        N_("Automate one repetitive step with Zapier."),
        N_("Build a zap that saves email attachments from one sender to a shared folder."),
    ),
    (
        "Power Automate",
        N_("Automate an approval in Microsoft 365."),
        N_("Create a flow that asks a manager to approve a form answer and posts the result."),
    ),
    (
        "Canva",
        N_("Make a slide that looks designed."),
        N_("Turn one of the learner's text-heavy slides into a Canva design from a template."),
    ),
    (
        "CapCut",
        N_("Edit a short video with captions."),
        N_("Film a 30-second update on a phone and add auto-captions and music in CapCut."),
    ),
    (
        "Loom",
        N_("Replace a meeting with a Loom."),
        N_(
            "Record a 2-minute Loom walking through a document and share it with a viewer question."
        ),
    ),
    (
        "Podcasting",
        N_("Find podcasts worth the commute."),
        N_(
            "Subscribe to three shows in the learner's field and record a 1-minute voice memo "
            "intro."
        ),
    ),
)

# "Teach me a tool" prompts that work for any tool: `{tool}` is the pair's tool.
GENERAL_TEACH_PROMPTS: tuple[tuple[str, str], ...] = (
    (
        N_("Redo one task from this week with {tool}."),
        N_("Pick something the learner did by hand this week and redo it together with {tool}."),
    ),
    (
        N_("Show what a first week with {tool} looks like."),
        N_(
            "Set up {tool} on the learner's own device and do the three things you use it for most."
        ),
    ),
    (
        N_("Teach one {tool} trick you use every day."),
        N_("The learner drives while the guide explains: repeat the trick until it sticks."),
    ),
    (
        N_("Spot the pitfalls of {tool}."),
        N_("Go through privacy settings and one common mistake in {tool}, and fix both."),
    ),
)

# "Reverse the mirror": the senior shares how the organisation works.
MIRROR_PROMPTS: tuple[str, ...] = (
    N_("Walk your guide through how a decision you made last quarter got approved."),
    N_("Explain how the budget for your team is set, and who you have to convince."),
    N_("Tell the story of a project that failed, and what the organisation learned from it."),
    N_("Show how you prepare for a meeting with senior leadership."),
    N_("Explain the unwritten rules of getting something done across departments here."),
    N_("Share how you decide what to say no to."),
    N_("Walk through how you built your network inside the company."),
    N_("Explain how promotions really happen, and what gets noticed."),
    N_("Describe a negotiation you led and how you prepared for it."),
    N_("Share how you give difficult feedback, with an example you can talk about."),
    N_("Explain how our customers decide to buy from us, as you see it from your seat."),
    N_("Walk your guide through the strategy slide everyone quotes, and what is behind it."),
    N_("Tell how you handled a crisis, and who you called first."),
    N_("Show how you read a financial report quickly: which three numbers you look at."),
    N_("Explain how you hire: what you look for in the first five minutes."),
    N_("Share a mistake early in your career and what you would tell your younger self."),
    N_("Describe how a big reorganisation was decided and announced."),
    N_("Explain how you write an email to an executive that gets answered."),
    N_("Walk through how you plan your week and protect time for thinking."),
    N_("Share who your mentors were and what each of them taught you."),
    N_("Explain how a risk or compliance question gets escalated here."),
    N_("Describe how you make a case for a new hire or a new tool."),
)

# Every prompt text above (exercises are looked up with their prompt): a catalogue row with one of
# these texts and no `added_by` is one of ours.
BUILTIN_TEXTS: frozenset[str] = frozenset(
    [text for _tool, text, _exercise in TOOL_PROMPTS]
    + [text for text, _exercise in GENERAL_TEACH_PROMPTS]
    + list(MIRROR_PROMPTS)
)
