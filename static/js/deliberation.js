// Deliberation's live page behaviour; see below.
