"""The Slack bot: Block Kit rendering of an Answer and the handlers that post it in threads."""
