"""The fictional demo organisation: a financial-services firm, its units, sizes and how each meets the outside."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DemoUnit", "ORG_NAME", "DOMAIN", "DEMO_UNITS"]

ORG_NAME = "Meridian Financial"
DOMAIN = "meridian-financial.example"


@dataclass(frozen=True)
class DemoUnit:
    name: str
    division: str
    kind: str  # line | staff
    size: int
    function: str | None = None
    intended_role: str | None = None
    shell: float = 0.0  # thickness of the customer-facing surface of the unit (sphere model), in persons
    customer_rate: float = 0.0  # customer contacts per front-line person per month
    supplier_rate: float = 0.0  # supplier contacts per person per month
    regulator_rate: float = 0.0
    other_rate: float = 1.0  # newsletters, conferences, press: contacts with undeclared outsiders


L, S = "line", "staff"
DEMO_UNITS: tuple[DemoUnit, ...] = (
    # Retail Banking: branches of many sizes, a big contact centre
    DemoUnit("Branch Amsterdam", "Retail Banking", L, 44, shell=0.6, customer_rate=34),
    DemoUnit("Branch Rotterdam", "Retail Banking", L, 33, shell=0.6, customer_rate=34),
    DemoUnit("Branch Utrecht", "Retail Banking", L, 22, shell=0.6, customer_rate=34),
    DemoUnit("Branch Eindhoven", "Retail Banking", L, 14, shell=0.6, customer_rate=34),
    DemoUnit("Branch Groningen", "Retail Banking", L, 8, shell=0.6, customer_rate=34),
    DemoUnit("Branch Den Haag", "Retail Banking", L, 26, shell=0.6, customer_rate=34),
    DemoUnit("Branch Arnhem", "Retail Banking", L, 12, shell=0.6, customer_rate=34),
    DemoUnit("Branch Leiden", "Retail Banking", L, 9, shell=0.6, customer_rate=34),
    DemoUnit("Branch Maastricht", "Retail Banking", L, 6, shell=0.6, customer_rate=34),
    DemoUnit("Branch Zwolle", "Retail Banking", L, 7, shell=0.6, customer_rate=34),
    DemoUnit("Customer Contact Centre", "Retail Banking", L, 96, shell=0.6, customer_rate=34),
    DemoUnit("Mortgage Advice", "Retail Banking", L, 27, shell=0.6, customer_rate=34),
    DemoUnit("Retail Product Management", "Retail Banking", L, 17, shell=0.35, customer_rate=16),
    # Business Banking
    DemoUnit("SME Relationship Team North", "Business Banking", L, 11, shell=0.6, customer_rate=30),
    DemoUnit("SME Relationship Team South", "Business Banking", L, 15, shell=0.6, customer_rate=30),
    DemoUnit("Corporate Clients", "Business Banking", L, 23, shell=0.6, customer_rate=30),
    DemoUnit("Trade Finance", "Business Banking", L, 10, shell=0.6, customer_rate=30),
    DemoUnit("Business Credit", "Business Banking", L, 29, shell=0.6, customer_rate=16),
    # Wealth Management
    DemoUnit("Private Banking", "Wealth Management", L, 21, shell=0.6, customer_rate=34),
    DemoUnit("Investment Advisory", "Wealth Management", L, 16, shell=0.6, customer_rate=30),
    DemoUnit("Portfolio Management", "Wealth Management", L, 12, shell=0.35, customer_rate=16),
    # Insurance
    DemoUnit("Claims Handling", "Insurance", L, 52, shell=0.6, customer_rate=34),
    DemoUnit("Underwriting", "Insurance", L, 26, shell=0.35, customer_rate=16),
    DemoUnit("Insurance Sales", "Insurance", L, 31, shell=0.6, customer_rate=34),
    # Operations: line, but far from the customer
    DemoUnit("Payments Operations", "Operations", L, 58, shell=0.35, customer_rate=16, supplier_rate=1.0),
    DemoUnit("Lending Operations", "Operations", L, 39, shell=0.35, customer_rate=16),
    DemoUnit("Customer Onboarding", "Operations", L, 33, shell=0.6, customer_rate=30),
    # Staff
    DemoUnit("HR Business Partners", "Human Resources", S, 9, "hr", "advisory", other_rate=1.5),
    DemoUnit("HR Shared Services", "Human Resources", S, 24, "hr", "supporting", supplier_rate=1.0),
    DemoUnit("Learning & Development", "Human Resources", S, 7, "hr", "supporting", supplier_rate=3.0),
    DemoUnit("Recruitment", "Human Resources", S, 8, "hr", "executing", supplier_rate=6.0, other_rate=6.0),
    DemoUnit("ICT Service Desk", "ICT", S, 31, "ict", "supporting", supplier_rate=0.5, other_rate=0.3),
    DemoUnit("ICT Infrastructure", "ICT", S, 47, "ict", "executing", supplier_rate=3.0),
    DemoUnit("ICT Application Development", "ICT", S, 64, "ict", "executing", supplier_rate=1.5),
    DemoUnit("ICT Architecture", "ICT", S, 8, "ict", "advisory", supplier_rate=2.0),
    DemoUnit("Information Security", "ICT", S, 10, "ict", "regulating", supplier_rate=1.0, regulator_rate=0.5),
    DemoUnit("Financial Control", "Finance", S, 19, "finance", "regulating", regulator_rate=0.6),
    DemoUnit("Management Reporting", "Finance", S, 12, "finance", "supporting"),
    DemoUnit("Treasury", "Finance", S, 7, "finance", "executing", supplier_rate=4.0, regulator_rate=1.0),
    DemoUnit("Credit Risk", "Risk", S, 15, "risk", "regulating", regulator_rate=0.8),
    DemoUnit("Operational Risk", "Risk", S, 9, "risk", "regulating", regulator_rate=0.5),
    DemoUnit("Model Validation", "Risk", S, 6, "risk", "regulating", regulator_rate=1.0),
    DemoUnit("Compliance Monitoring", "Compliance", S, 12, "compliance", "regulating", regulator_rate=2.0),
    DemoUnit("Compliance Advisory", "Compliance", S, 7, "compliance", "advisory", shell=0.6, customer_rate=6,
             regulator_rate=1.0),  # fmt: skip
    DemoUnit("Facility Services", "Facilities", S, 17, "facilities", "supporting", supplier_rate=9.0),
    DemoUnit("Workplace & Housing", "Facilities", S, 5, "facilities", "executing", supplier_rate=6.0),
    DemoUnit("Strategic Procurement", "Procurement", S, 10, "procurement", "regulating", supplier_rate=14.0),
    DemoUnit("Legal Affairs", "Legal", S, 8, "legal", "advisory", supplier_rate=3.0, regulator_rate=0.5),
    DemoUnit("Corporate Communication", "Communication", S, 7, "communication", "supporting", other_rate=8.0),
    DemoUnit("Board Office", "Board", S, 3, "other", "advisory", regulator_rate=1.0, other_rate=3.0),
)
