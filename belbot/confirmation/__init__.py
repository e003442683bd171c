"""Written confirmation for the caller: a draft built from the conversation's verified answers,
edited and approved by the agent, rendered as plain text and PDF."""
