"""What a reviewer reads: review pages, the index, Markdown summaries and change reports."""
