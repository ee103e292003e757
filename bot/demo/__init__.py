"""``rotnem demo``: a whole simulated cohort through the real app, against a local Slack.

:mod:`bot.demo.run` composes the parts: :mod:`bot.demo.setup` (settings, the fresh database, the
fake Slack, the served app and the stepped background), :mod:`bot.demo.scenario` (what the
people do), and :mod:`bot.demo.output` (the result, files and report), which shows what happened
with :mod:`bot.demo.transcript`, :mod:`bot.demo.html` and :mod:`bot.demo.summary`.
"""
