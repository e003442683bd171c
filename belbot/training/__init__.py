"""Practice mode for new agents (issue 11): scenarios from the knowledge base, the simulated
caller, fact matching of practice answers, progress per topic and the training report."""
