"""Proactive Slack messages: the outbox services write notices to, and the dispatcher that
renders and sends them.

Services import `bot.delivery.outbox` (enqueue) only; the dispatcher (`bot.delivery.dispatcher`)
is loaded by the processes that send, so importing a service never loads a Slack client.
"""
