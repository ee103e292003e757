"""Joining the program and managing one's own participation: `identity` (who someone is in
Slack, who may join), `profile` (the modal's answers, saving them), `lifecycle` (pause, resume,
leave), `queries` (profiles, statuses, counts), `invites` (the program channel's DM), and `log`
(the state-change log they share)."""
