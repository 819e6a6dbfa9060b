"""The built-in demo PDU (SPEC.md 6): synthetic, deterministic, always current."""

from app.services.demo.generate import DEMO_PDU, DemoSummary, create_demo, generate_demo, has_cases

__all__ = ["DEMO_PDU", "DemoSummary", "create_demo", "generate_demo", "has_cases"]
