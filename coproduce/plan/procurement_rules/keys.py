"""Names of the procurement rules held in the ``ProcurementRule`` table.

Code refers to a rule only by its key; the value, its unit and its source always come
from the table, so a change in the law is a new row, not a code change.
"""

from __future__ import annotations

# Thresholds (pence, including VAT). At or above the threshold the contract is a
# "public contract" and the Procurement Act 2023 applies in full.
THRESHOLD_GOODS_SERVICES = "threshold.goods_services"
THRESHOLD_LIGHT_TOUCH = "threshold.light_touch"

# Minimum time to bid (calendar days after the day the tender notice is published).
TENDER_PERIOD_MINIMUM_DAYS = "tender_period.minimum_days"
TENDER_PERIOD_REDUCED_MINIMUM_DAYS = "tender_period.reduced_minimum_days"
PLANNED_NOTICE_EARLIEST_DAYS_BEFORE = "planned_notice.earliest_days_before"
PLANNED_NOTICE_LATEST_DAYS_BEFORE = "planned_notice.latest_days_before"
# Flag (0/1): whether the statutory minimum tender periods apply to light-touch contracts.
TENDER_PERIOD_LIGHT_TOUCH_MINIMUM_APPLIES = "tender_period.light_touch_minimum_applies"
# Council policy: the minimum time given for light-touch contracts when the law sets none.
TENDER_PERIOD_LIGHT_TOUCH_POLICY_DAYS = "tender_period.light_touch_policy_days"

# Standstill between the award decision notice and signing the contract.
STANDSTILL_WORKING_DAYS = "standstill.working_days"
STANDSTILL_LIGHT_TOUCH_REQUIRED = "standstill.light_touch_required"  # flag 0/1
# Council policy: working days of the voluntary standstill an officer may choose for a
# light-touch contract when no standstill is required by law.
STANDSTILL_VOLUNTARY_LIGHT_TOUCH_WORKING_DAYS = "standstill.voluntary_light_touch_working_days"

# Reservations and routes.
RESERVED_SUPPORTED_BUSINESS_MIN_PERCENT = "reserved.supported_business_min_percent"
RESERVED_LOCAL_BELOW_THRESHOLD_ALLOWED = "reserved.local_below_threshold_allowed"  # flag 0/1
SINGLE_SOURCE_JUSTIFICATION_REQUIRED = "single_source.justification_required"  # flag 0/1

# Evaluation, amendments, complaints and documents (council policy).
SOCIAL_VALUE_MINIMUM_WEIGHT_PERCENT = "social_value.minimum_weight_percent"
AMENDMENT_MINIMUM_DAYS_LEFT = "amendment.minimum_days_left"
COMPLAINTS_RESPONSE_WORKING_DAYS = "complaints.response_working_days"
DOCUMENTS_MAX_UPLOAD_MB = "documents.max_upload_mb"

# Managing contracts: variations adding more than this share of the value are flagged.
CONTRACT_VARIATION_FLAG_PERCENT = "contract.variation.flag_percent"

ALL_KEYS = (
    THRESHOLD_GOODS_SERVICES,
    THRESHOLD_LIGHT_TOUCH,
    TENDER_PERIOD_MINIMUM_DAYS,
    TENDER_PERIOD_REDUCED_MINIMUM_DAYS,
    PLANNED_NOTICE_EARLIEST_DAYS_BEFORE,
    PLANNED_NOTICE_LATEST_DAYS_BEFORE,
    TENDER_PERIOD_LIGHT_TOUCH_MINIMUM_APPLIES,
    TENDER_PERIOD_LIGHT_TOUCH_POLICY_DAYS,
    STANDSTILL_WORKING_DAYS,
    STANDSTILL_LIGHT_TOUCH_REQUIRED,
    STANDSTILL_VOLUNTARY_LIGHT_TOUCH_WORKING_DAYS,
    RESERVED_SUPPORTED_BUSINESS_MIN_PERCENT,
    RESERVED_LOCAL_BELOW_THRESHOLD_ALLOWED,
    SINGLE_SOURCE_JUSTIFICATION_REQUIRED,
    SOCIAL_VALUE_MINIMUM_WEIGHT_PERCENT,
    AMENDMENT_MINIMUM_DAYS_LEFT,
    COMPLAINTS_RESPONSE_WORKING_DAYS,
    DOCUMENTS_MAX_UPLOAD_MB,
    CONTRACT_VARIATION_FLAG_PERCENT,
)

# Rules whose value is a yes/no flag (1 yes, 0 no).
FLAG_KEYS = frozenset(
    {
        TENDER_PERIOD_LIGHT_TOUCH_MINIMUM_APPLIES,
        STANDSTILL_LIGHT_TOUCH_REQUIRED,
        RESERVED_LOCAL_BELOW_THRESHOLD_ALLOWED,
        SINGLE_SOURCE_JUSTIFICATION_REQUIRED,
    }
)

# How the public rules page groups the keys (by prefix), in order.
GROUPS = (
    ("threshold", "Thresholds"),
    ("tender_period", "Time to bid"),
    ("planned_notice", "Time to bid"),
    ("amendment", "Time to bid"),
    ("standstill", "Standstill before signing a contract"),
    ("reserved", "Reserved contracts"),
    ("single_source", "Single source"),
    ("social_value", "Evaluation"),
    ("complaints", "Complaints"),
    ("documents", "Documents"),
    ("contract", "Managing contracts"),
)
