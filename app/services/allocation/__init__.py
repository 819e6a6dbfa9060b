"""The allocation desk: the queue and ranking, the practitioner and team views, allocating."""
