"""The brochure and output folders: settings and corrections files, discovery, exports,
the catalogue of editions, locks and the run plan."""
