"""JSON API of the review process: work lists, task actions, process status, eligibility, feedback, notifications."""
