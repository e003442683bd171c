"""Quality monitoring: counters that outlive conversations, KPI series, review and retention."""
