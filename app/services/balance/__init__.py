"""The tiering balance: each practitioner's RoSH mix and the PDU tier matrix."""
