"""``rotnem demo``: a whole simulated cohort through the real app, against a local Slack.

:mod:`bot.demo.run` orchestrates (the fake Slack, the real app over HTTP, the stepped scheduler
and dispatcher, the people's scenario); :mod:`bot.demo.transcript`, :mod:`bot.demo.html` and
:mod:`bot.demo.summary` show what happened.
"""
