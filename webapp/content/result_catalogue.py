"""The result catalogue: every result type the app knows, as data.

The app seeds these into its database; practices can then edit targets per practice and
clinicians per patient. Each entry names its sources so a clinician can check it. Clinical
facts come from /work/shared/clinical-content.md and the guidance it cites; the patient
wording is ours, written for a reading age of about 9 to 11, second person, no blame.

Entry ranges are plausibility limits for staff typing, not clinical limits: wide enough for
any real result (including rare extremes), narrow enough to catch a slipped digit, a value
in the wrong unit or a number typed into the wrong box.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType

from webapp.results.assessment import (
    Band,
    Category,
    CategoryRule,
    ChangeRule,
    Comparison,
    ContextBands,
    ContextTarget,
    Direction,
    EntryRange,
    Measure,
    MissingItem9Rule,
    ResultSpec,
    Target,
    ThresholdRule,
    Urgency,
    ValueKind,
    When,
    Window,
)

D = Decimal
ROUTINE, SAME_DAY = Urgency.ROUTINE, Urgency.SAME_DAY

CONDITIONS: Mapping[str, str] = MappingProxyType({
    "diabetes": "Diabetes",
    "hypertension": "High blood pressure",
    "ckd": "Chronic kidney disease",
    "copd": "COPD",
    "asthma": "Asthma",
    "heart-failure": "Heart failure",
    "mental-health": "Mental health",
    "general": "General health",
})

# The codes a patient record uses for family background, for BMI cut-offs only.
FAMILY_BACKGROUNDS: Mapping[str, str] = MappingProxyType({
    "south-asian": "South Asian (for example Indian, Pakistani, Bangladeshi or Sri Lankan)",
    "chinese": "Chinese",
    "other-asian": "Other Asian",
    "middle-eastern": "Middle Eastern",
    "black-african": "Black African",
    "african-caribbean": "African-Caribbean",
    "white": "White",
    "mixed": "Mixed",
    "other": "Another background",
    "not-stated": "Not stated",
})

# NICE PH46 and NG246: these groups have a higher risk of type 2 diabetes and other
# conditions at a lower BMI, so overweight starts at 23 and obesity at 27.5 (each class
# 2.5 lower than the standard one).
LOWER_BMI_CUTOFF_BACKGROUNDS: frozenset[str] = frozenset({
    "south-asian", "chinese", "other-asian", "middle-eastern", "black-african",
    "african-caribbean",
})

EVERYONE = When()

# clinical-content.md lists these red flags as suggestions for the triage step; where no
# guideline sets the number, the catalogue says so rather than borrowing a citation.
TRIAGE_SUGGESTION = "Suggested triage threshold for care-planning reviews (no guideline figure)"


def _bands(*edges: tuple[str, str, str | None, str | None]) -> tuple[Band, ...]:
    """Bands from (code, label, low inclusive, high exclusive) rows."""
    return tuple(Band(code, label, D(low) if low is not None else None,
                      D(high) if high is not None else None)
                 for code, label, low, high in edges)


# --- diabetes --------------------------------------------------------------------------------

HBA1C = ResultSpec(
    code="hba1c",
    name="HbA1c",
    unit="mmol/mol",
    kind=ValueKind.NUMBER,
    conditions=frozenset({"diabetes"}),
    example="53",
    decimals=0,  # IFCC HbA1c is reported in whole mmol/mol.
    # Below 20 is not seen outside rare blood disorders; above 200 is beyond the range labs
    # report (about 20% in old DCCT units). A value like 7.5 is a DCCT % typed by mistake.
    entry_range=EntryRange(D(20), D(200)),
    what_it_is=(
        "HbA1c is a blood test. It shows your average blood sugar (glucose) level over the "
        "last 2 to 3 months."
    ),
    how_to_read=(
        "A lower number means your blood sugar has been lower on average. Being near your "
        "target lowers the chance of problems with your eyes, feet, kidneys and heart. Your "
        "target is agreed with you, so it is safe for you. If you take medicine that can make "
        "your blood sugar go too low (a hypo), your target may be a little higher. Look at "
        "how it changes over time, not just at one result."
    ),
    targets=(
        # Type 1 first: everyone with type 1 takes insulin, and NG17 keeps 48 for them.
        ContextTarget(When(type_1_diabetes=True), Target.at_most(48),
                      "NICE NG17: adults with type 1 diabetes, 48 mmol/mol or lower"),
        ContextTarget(When(on_hypo_causing_drug=True), Target.at_most(53),
                      "NICE NG28: type 2 diabetes on a drug that can cause hypoglycaemia"),
        ContextTarget(EVERYONE, Target.at_most(48),
                      "NICE NG28: type 2 diabetes managed by lifestyle or drugs that do not "
                      "cause hypoglycaemia"),
    ),
    red_flags=(
        ThresholdRule("hba1c-very-high", Comparison.AT_LEAST, D(86), ROUTINE,
                      TRIAGE_SUGGESTION),
        ChangeRule("hba1c-rise", Direction.RISE, ROUTINE,
                   TRIAGE_SUGGESTION, amount=D(11)),
    ),
    # Test-to-test variation in HbA1c is about 2 mmol/mol at usual levels.
    steady_within=D(2),
    source="NICE NG28 (type 2 diabetes in adults, 1.6); NICE NG17 (type 1 diabetes in adults)",
)

FOOT_RISK = ResultSpec(
    code="foot-risk",
    name="Foot risk",
    sentence_name="foot risk",
    unit="",
    kind=ValueKind.CATEGORY,
    conditions=frozenset({"diabetes"}),
    example="low risk",
    # Order and definitions from NICE NG19 (1.3.4).
    categories=(
        Category("low", "Low risk",
                 "Low risk: your feet are healthy and the chance of a foot problem is low."),
        Category("moderate", "Moderate risk",
                 "Moderate risk: there is one thing, like less feeling in your feet, that "
                 "raises the chance of a foot problem."),
        Category("high", "High risk",
                 "High risk: there is a higher chance of a foot problem, so you will have "
                 "extra foot checks and care."),
        Category("active", "Active foot problem",
                 "Active foot problem: there is a problem now, like a wound or an infection, "
                 "that needs care from a foot team straight away."),
    ),
    targets=(ContextTarget(EVERYONE, Target.one_of("low", wording="low risk"),
                           "NICE NG19: low risk"),),
    red_flags=(
        # NG19 1.3.2: refer an active diabetic foot problem within 1 working day.
        CategoryRule("foot-active-problem", frozenset({"active"}), SAME_DAY,
                     "NICE NG19 (1.3.2): refer within 1 working day"),
    ),
    what_it_is=(
        "At your foot check, someone looks at your feet, tests how well you can feel things "
        "on them and checks the pulses in your feet. This shows how likely you are to get "
        "foot problems because of diabetes."
    ),
    how_to_read=(
        "Your result is low risk, moderate risk, high risk or active foot problem. Low risk "
        "is best. If your risk is higher, you may get more foot checks and help from a foot "
        "team. Look at your feet every day. If you find a new cut, sore, redness, swelling or "
        "a hot patch, contact your GP practice the same day."
    ),
    source="NICE NG19 (diabetic foot problems)",
)

RETINAL_SCREENING = ResultSpec(
    code="retinal-screening",
    name="Diabetic eye screening",
    sentence_name="the eye screening result",
    short_name="Retinal screening",
    unit="",
    kind=ValueKind.CATEGORY,
    conditions=frozenset({"diabetes"}),
    example="no retinopathy",
    categories=(
        Category("none", "No retinopathy",
                 "No retinopathy: no changes were found at the back of your eyes."),
        Category("background", "Background retinopathy",
                 "Background retinopathy: small changes were found. They do not affect your "
                 "sight and do not need treatment now."),
        Category("referable", "Referable retinopathy",
                 "Referable retinopathy: changes were found that an eye specialist needs to "
                 "look at more closely."),
    ),
    # clinical-content.md sets no default target: background changes are common and are
    # watched, not treated, so calling them "not in target" would worry without helping.
    red_flags=(
        # The screening programme makes the referral itself; the flag is for the review.
        CategoryRule("retinal-referable", frozenset({"referable"}), ROUTINE,
                     "NHS Diabetic Eye Screening Programme: referable result"),
    ),
    what_it_is=(
        "Diabetic eye screening takes photos of the back of your eyes. It looks for changes "
        "caused by diabetes early, before they affect your sight."
    ),
    how_to_read=(
        "No retinopathy means no changes were found. Background retinopathy means small "
        "changes were found. They do not harm your sight now, and keeping your blood sugar "
        "and blood pressure near your targets helps stop them getting worse. Referable means "
        "an eye specialist needs to take a closer look. The screening service will arrange "
        "this for you."
    ),
    source="NHS Diabetic Eye Screening Programme",
)

# --- heart and circulation -------------------------------------------------------------------

BLOOD_PRESSURE = ResultSpec(
    code="blood-pressure",
    name="Blood pressure",
    sentence_name="blood pressure",
    unit="mmHg",
    kind=ValueKind.BLOOD_PRESSURE,
    conditions=frozenset({"hypertension", "diabetes", "ckd", "heart-failure", "general"}),
    example="135/85",
    # Below 50 systolic or 20 diastolic a person would be too unwell for a routine
    # appointment; above 300/200 is beyond what clinic monitors read.
    systolic_range=EntryRange(D(50), D(300)),
    diastolic_range=EntryRange(D(20), D(200)),
    targets=(
        # Most specific first. NG203 (1.6) gives the tighter target for CKD with ACR >= 70;
        # NG136 does not cover type 1 diabetes, NG17 does; NG136 eases the target at 80.
        ContextTarget(When(conditions=frozenset({"ckd"}), acr_at_least=D(70)),
                      Target.bp_below(130, 80),
                      "NICE NG203 and NG136: chronic kidney disease with ACR 70 mg/mmol or "
                      "more"),
        ContextTarget(When(type_1_diabetes=True), Target.bp_below(135, 85),
                      "NICE NG17: adults with type 1 diabetes"),
        ContextTarget(When(min_age=80), Target.bp_below(150, 90),
                      "NICE NG136: adults aged 80 and over"),
        ContextTarget(EVERYONE, Target.bp_below(140, 90), "NICE NG136: adults under 80"),
    ),
    red_flags=(
        # NG136 (1.5): 180/120 or more needs prompt assessment for target organ damage and
        # same-day referral if there are signs of accelerated hypertension.
        ThresholdRule("bp-systolic-severe", Comparison.AT_LEAST, D(180), SAME_DAY,
                      "NICE NG136 (1.5): severe hypertension", measure=Measure.SYSTOLIC),
        ThresholdRule("bp-diastolic-severe", Comparison.AT_LEAST, D(120), SAME_DAY,
                      "NICE NG136 (1.5): severe hypertension", measure=Measure.DIASTOLIC),
    ),
    # Clinic readings taken minutes apart often differ by 5 mmHg or more.
    steady_within=D(4),
    what_it_is=(
        "Blood pressure is how hard your blood pushes on the walls of your blood vessels. It "
        "is written as two numbers, like 135/85. The top number is the pressure when your "
        "heart beats. The bottom number is the pressure when your heart rests between beats."
    ),
    how_to_read=(
        "If either number is above your target, your blood pressure is above your target. "
        "Lower blood pressure means less chance of a stroke, heart attack or kidney problems. "
        "One reading can be high if you rushed to get here or felt nervous, so your team "
        "looks at more than one reading. Readings you take at home are often a little lower "
        "than readings at the surgery."
    ),
    source="NICE NG136 (hypertension in adults); NICE NG17; NICE NG203",
)

TOTAL_CHOLESTEROL = ResultSpec(
    code="total-cholesterol",
    name="Total cholesterol",
    sentence_name="total cholesterol",
    unit="mmol/L",
    kind=ValueKind.NUMBER,
    conditions=frozenset({"diabetes", "hypertension", "ckd", "general"}),
    example="4.8",
    decimals=2,  # Some UK labs report lipids to 2 decimal places.
    # Untreated familial hypercholesterolaemia can pass 15; 25 leaves room for the rare
    # homozygous form while catching 48 typed for 4.8.
    entry_range=EntryRange(D("1.0"), D(25)),
    targets=(ContextTarget(EVERYONE, Target.at_most(5),
                           "NHS.UK: 5 mmol/L or lower for healthy adults"),),
    steady_within=D("0.2"),  # Test-to-test variation is about 0.2 to 0.3 mmol/L.
    what_it_is=(
        "Cholesterol is a fatty substance in your blood. Your body needs some, but too much "
        "can build up inside your blood vessels. Total cholesterol is all the cholesterol in "
        "your blood added together."
    ),
    how_to_read=(
        "A lower number is usually better. Total cholesterol also counts the good kind "
        "(HDL), which helps clear cholesterol away. So your team looks at your other "
        "cholesterol results too, to get the full picture."
    ),
    source="NHS.UK (cholesterol levels); NICE NG238 (cardiovascular disease: lipid "
           "modification)",
)

NON_HDL_CHOLESTEROL = ResultSpec(
    code="non-hdl-cholesterol",
    name="Non-HDL cholesterol",
    sentence_name="non-HDL cholesterol",
    unit="mmol/L",
    kind=ValueKind.NUMBER,
    conditions=frozenset({"diabetes", "hypertension", "ckd", "general"}),
    example="3.2",
    decimals=2,
    entry_range=EntryRange(D("0.2"), D(25)),  # Same reasoning as total cholesterol.
    targets=(
        ContextTarget(When(established_cvd=True), Target.at_most(D("2.6")),
                      "NICE NG238: secondary prevention, 2.6 mmol/L or lower"),
        # NG238 primary prevention on a statin: a fall of more than 40% from the level
        # before treatment; the baseline comes from the patient's record.
        ContextTarget(When(has_treatment_baseline=True), Target.reduction(40),
                      "NICE NG238: primary prevention on a statin, more than 40% reduction"),
    ),
    steady_within=D("0.2"),
    what_it_is=(
        "Non-HDL cholesterol is all of your cholesterol except the good kind (HDL). It is the "
        "kind that can build up in your blood vessels and make them narrower."
    ),
    how_to_read=(
        "A lower number is better. If you take a statin, the aim is often for this number to "
        "fall by more than 40% (a bit less than half) from where it was before you started. "
        "If you have had a heart attack or stroke, the aim is usually 2.6 or lower."
    ),
    source="NICE NG238 (cardiovascular disease: risk assessment and reduction, including "
           "lipid modification)",
)

LDL_CHOLESTEROL = ResultSpec(
    code="ldl-cholesterol",
    name="LDL cholesterol",
    unit="mmol/L",
    kind=ValueKind.NUMBER,
    conditions=frozenset({"diabetes", "hypertension", "ckd", "general"}),
    example="2.1",
    decimals=2,
    # Newer lipid-lowering medicines can take LDL below 0.5, so the floor is low.
    entry_range=EntryRange(D("0.1"), D(20)),
    targets=(
        ContextTarget(When(established_cvd=True), Target.at_most(D("2.0")),
                      "NICE NG238: secondary prevention, 2.0 mmol/L or lower"),
    ),
    steady_within=D("0.2"),
    what_it_is=(
        "LDL cholesterol is one kind of cholesterol that can build up in the walls of your "
        "blood vessels. It is sometimes called bad cholesterol."
    ),
    how_to_read=(
        "A lower number is better. If you have had a heart attack, stroke or other problem "
        "with your blood vessels, the aim is usually 2.0 or lower."
    ),
    source="NICE NG238 (cardiovascular disease: lipid modification)",
)

# --- kidneys ---------------------------------------------------------------------------------

# KDIGO 2012 GFR categories as used by NICE NG203 (1.1.14); labels are ours.
EGFR_BANDS = _bands(
    ("G1", "Stage G1: your kidneys are filtering normally", "90", None),
    ("G2", "Stage G2: a small fall in how well your kidneys filter", "60", "90"),
    ("G3a", "Stage G3a: a mild to moderate fall in how well your kidneys filter", "45", "60"),
    ("G3b", "Stage G3b: a moderate to large fall in how well your kidneys filter", "30", "45"),
    ("G4", "Stage G4: a large fall in how well your kidneys filter", "15", "30"),
    ("G5", "Stage G5: your kidneys are working very little (kidney failure)", None, "15"),
)

EGFR = ResultSpec(
    code="egfr",
    name="eGFR",
    unit="mL/min/1.73m²",
    kind=ValueKind.NUMBER,
    conditions=frozenset({"ckd", "diabetes", "hypertension", "heart-failure"}),
    example="75",
    decimals=0,  # Labs report eGFR as a whole number.
    # Labs do not report eGFR below 1 or much above 150; 200 catches a slipped digit.
    entry_range=EntryRange(D(1), D(200)),
    # clinical-content.md reads eGFR "by stage": no number target, because eGFR falls with
    # age and what matters is the stage and whether it is steady.
    band_sets=(ContextBands(EVERYONE, EGFR_BANDS),),
    red_flags=(
        ThresholdRule("egfr-below-30", Comparison.BELOW, D(30), ROUTINE,
                      "NICE NG203 (1.5.5): refer if eGFR below 30"),
        # NG203 1.3.3 defines accelerated progression with both limbs inside 12 months:
        # a sustained fall of 25% or more with a change of category, or a fall of 15 or
        # more. A single result cannot show "sustained", so the reason invites a repeat.
        ChangeRule("egfr-fall-25-percent", Direction.FALL, ROUTINE,
                   "NICE NG203 (1.3.3, 1.5.5): accelerated progression", percent=D(25),
                   window=Window(months=12), needs_band_change=True),
        ChangeRule("egfr-fall-15", Direction.FALL, ROUTINE,
                   "NICE NG203 (1.3.3, 1.5.5): accelerated progression", amount=D(15),
                   window=Window(months=12)),
    ),
    # NG203 1.3.2: changes under 25% can be normal variation; 3 keeps "about the same" for
    # the small wobbles a patient sees between most tests.
    steady_within=D(3),
    what_it_is=(
        "eGFR shows how well your kidneys clean (filter) your blood. It is worked out from a "
        "blood test, your age and your sex."
    ),
    how_to_read=(
        "A higher number means your kidneys are filtering better. The result is put into a "
        "stage, from G1 (normal) to G5. It is normal for eGFR to fall slowly as you get "
        "older. It can also change a little from test to test, for example if you ate meat "
        "or were short of water before the test. What matters most is whether it stays "
        "steady over time."
    ),
    source="NICE NG203 (chronic kidney disease); KDIGO 2012 GFR categories",
)

URINE_ACR = ResultSpec(
    code="urine-acr",
    name="Urine ACR",
    sentence_name="urine ACR",
    unit="mg/mmol",
    kind=ValueKind.NUMBER,
    conditions=frozenset({"ckd", "diabetes", "hypertension"}),
    example="2.5",
    decimals=1,
    # Labs report down to 0.1 or "<0.3"; heavy protein loss (nephrotic range) can pass
    # several hundred, so 2000 only catches typing slips.
    entry_range=EntryRange(D(0), D(2000)),
    targets=(ContextTarget(EVERYONE, Target.below(3), "NICE NG203: ACR below 3 (A1)"),),
    # KDIGO albuminuria categories as used by NG203: A1 below 3, A2 3 to 30, A3 above 30.
    band_sets=(ContextBands(EVERYONE, (
        Band("A1", "Category A1: little or no protein is leaking into your urine",
             high=D(3)),
        Band("A2", "Category A2: a small amount of protein is leaking into your urine",
             low=D(3), high=D(30), high_inclusive=True),
        Band("A3", "Category A3: a larger amount of protein is leaking into your urine",
             low=D(30), low_inclusive=False),
    )),),
    red_flags=(
        ThresholdRule("urine-acr-70", Comparison.AT_LEAST, D(70), ROUTINE,
                      "NICE NG203 (1.5.5): refer if ACR 70 mg/mmol or more"),
    ),
    # Day-to-day variation in ACR is large (often 30% or more); 0.5 only calms the noise
    # at low levels, where most people are.
    steady_within=D("0.5"),
    what_it_is=(
        "Urine ACR checks if protein is leaking from your kidneys into your urine (wee). "
        "Healthy kidneys keep almost all protein in your blood."
    ),
    how_to_read=(
        "A lower number is better. Below 3 is normal. A higher number can be an early sign "
        "that your kidneys need more care, even when you feel well. Hard exercise, an "
        "infection or your period can make it higher for a short time, so a high result is "
        "often checked again."
    ),
    source="NICE NG203 (chronic kidney disease); KDIGO 2012 albuminuria categories",
)

POTASSIUM = ResultSpec(
    code="potassium",
    name="Potassium",
    sentence_name="potassium",
    unit="mmol/L",
    kind=ValueKind.NUMBER,
    conditions=frozenset({"ckd", "heart-failure", "hypertension"}),
    example="4.2",
    decimals=1,
    # Results outside 1.5 to 10 mmol/L are beyond anything seen in someone well enough to
    # come for a routine test; 42 typed for 4.2 is caught.
    entry_range=EntryRange(D("1.5"), D(10)),
    targets=(ContextTarget(EVERYONE, Target.between(D("3.5"), D("5.3")),
                           "UK harmonised reference range 3.5 to 5.3 mmol/L"),),
    red_flags=(
        # UK Kidney Association (2020): 6.0 to 6.4 is moderate hyperkalaemia and needs same-
        # day action (repeat urgently, ECG); below 3.0 is moderate-to-severe hypokalaemia.
        ThresholdRule("potassium-high", Comparison.AT_LEAST, D("6.0"), SAME_DAY,
                      "UK Kidney Association: hyperkalaemia 6.0 mmol/L or more"),
        ThresholdRule("potassium-low", Comparison.BELOW, D("3.0"), SAME_DAY,
                      TRIAGE_SUGGESTION),
    ),
    steady_within=D("0.2"),
    what_it_is=(
        "Potassium is a mineral in your blood. It helps your nerves and muscles work, "
        "including your heart."
    ),
    how_to_read=(
        "Your potassium should stay in a middle range: not too high and not too low. Some "
        "medicines for blood pressure, the heart and the kidneys can change it, so your team "
        "checks it often. A result can be wrong if your blood sample took a long time to "
        "reach the lab, so an unusual result is often checked again."
    ),
    source="UK Pathology Harmony reference range; UK Kidney Association hyperkalaemia "
           "guideline (2020)",
)

# --- weight ----------------------------------------------------------------------------------

WEIGHT = ResultSpec(
    code="weight",
    name="Weight",
    sentence_name="weight",
    unit="kg",
    kind=ValueKind.NUMBER,
    conditions=frozenset({"general", "heart-failure", "diabetes"}),
    example="72.5",
    decimals=1,
    # Adults below 20 kg or above 350 kg are beyond what surgery scales weigh.
    entry_range=EntryRange(D(20), D(350)),
    # clinical-content.md sets no default: a weight goal is agreed with the person.
    red_flags=(
        # Heart failure self-care plans ask people to report a gain of 2 kg in 3 days: it
        # usually means fluid building up, which needs review the same day.
        ChangeRule("weight-gain-heart-failure", Direction.RISE, SAME_DAY,
                   "Heart failure self-care plans (British Heart Foundation; NICE NG106)",
                   amount=D(2), window=Window(days=3),
                   when=When(conditions=frozenset({"heart-failure"})), note="heart failure"),
    ),
    # Body weight moves by up to half a kilogram across a day.
    steady_within=D("0.5"),
    what_it_is="Your weight, in kilograms (kg).",
    how_to_read=(
        "The change since last time tells you more than one number on its own. If you have "
        "heart failure, gaining 2 kg or more in 3 days can mean your body is holding on to "
        "fluid. If that happens, contact your GP practice or heart failure nurse the same day."
    ),
    source="Heart failure self-care plans (British Heart Foundation); NICE NG106",
)


# BMI classes (NICE NG246): healthy 18.5 to 24.9, overweight 25 to 29.9, obesity classes
# from 30, 35 and 40. With the lower cut-offs (NICE PH46), overweight starts at 23 and each
# obesity class 2.5 lower: 27.5, 32.5, 37.5.
BMI_BANDS = _bands(
    ("underweight", "Below the healthy weight range", None, "18.5"),
    ("healthy", "In the healthy weight range", "18.5", "25"),
    ("overweight", "Above the healthy weight range (overweight)", "25", "30"),
    ("obesity-1", "Obesity, class 1", "30", "35"),
    ("obesity-2", "Obesity, class 2", "35", "40"),
    ("obesity-3", "Obesity, class 3", "40", None),
)
BMI_BANDS_LOWER_CUTOFFS = _bands(
    ("underweight", "Below the healthy weight range", None, "18.5"),
    ("healthy", "In the healthy weight range for your family background", "18.5", "23"),
    ("overweight", "Above the healthy weight range for your family background (overweight)",
     "23", "27.5"),
    ("obesity-1", "Obesity, class 1 (using the cut-offs for your family background)",
     "27.5", "32.5"),
    ("obesity-2", "Obesity, class 2 (using the cut-offs for your family background)",
     "32.5", "37.5"),
    ("obesity-3", "Obesity, class 3 (using the cut-offs for your family background)",
     "37.5", None),
)
LOWER_BMI = When(family_backgrounds=LOWER_BMI_CUTOFF_BACKGROUNDS)

BMI = ResultSpec(
    code="bmi",
    name="BMI",
    unit="kg/m²",
    kind=ValueKind.NUMBER,
    conditions=frozenset({"general", "diabetes", "hypertension"}),
    example="27.4",
    decimals=1,
    # An adult BMI below 10 or above 100 has never been recorded in practice.
    entry_range=EntryRange(D(10), D(100)),
    targets=(
        ContextTarget(LOWER_BMI, Target.between(D("18.5"), D("22.9")),
                      "NICE PH46 and NG246: healthy range with the lower cut-offs"),
        ContextTarget(EVERYONE, Target.between(D("18.5"), D("24.9")),
                      "NICE NG246: healthy range"),
    ),
    band_sets=(ContextBands(LOWER_BMI, BMI_BANDS_LOWER_CUTOFFS),
               ContextBands(EVERYONE, BMI_BANDS)),
    steady_within=D("0.2"),  # About half a kilogram for most adults.
    what_it_is=(
        "BMI (body mass index) compares your weight with your height. It is a quick way to "
        "see if your weight may be affecting your health."
    ),
    how_to_read=(
        "For most adults, a BMI from 18.5 to 24.9 is in the healthy range. If your family "
        "background is South Asian, Chinese, other Asian, Middle Eastern, Black African or "
        "African-Caribbean, the healthy range is 18.5 to 22.9. This is because health risks "
        "start at a lower BMI. BMI does not tell the whole story: it cannot tell muscle from "
        "fat."
    ),
    source="NICE NG246 (overweight and obesity management); NICE PH46 (BMI thresholds for "
           "Black, Asian and minority ethnic groups)",
)

SMOKING_STATUS = ResultSpec(
    code="smoking-status",
    name="Smoking status",
    sentence_name="smoking status",
    unit="",
    kind=ValueKind.CATEGORY,
    conditions=frozenset({"general", "copd", "asthma", "diabetes", "hypertension"}),
    example="never smoked",
    categories=(
        Category("never", "Never smoked", "You have never smoked."),
        Category("ex-smoker", "Ex-smoker", "You used to smoke and have stopped. Well done."),
        Category("current", "Smokes now",
                 "You smoke now. Free NHS support can help you stop, when you are ready."),
    ),
    targets=(ContextTarget(EVERYONE, Target.one_of("never", "ex-smoker", wording="not smoking"),
                           "NICE NG209: not smoking"),),
    what_it_is="Whether you smoke now, used to smoke, or have never smoked.",
    how_to_read=(
        "Stopping smoking is one of the best things you can do for your health, at any age. "
        "Many people take a few tries to stop. If you would like help, free NHS stop smoking "
        "services can make it much more likely that you stop for good."
    ),
    source="NICE NG209 (tobacco: preventing uptake, promoting quitting and treating "
           "dependence)",
)

# --- breathing -------------------------------------------------------------------------------

FEV1 = ResultSpec(
    code="fev1",
    name="FEV1",
    unit="% predicted",
    kind=ValueKind.NUMBER,
    conditions=frozenset({"copd", "asthma"}),
    example="65",
    decimals=0,
    # Below 5% is not measurable on spirometry; fit adults rarely pass 140%.
    entry_range=EntryRange(D(5), D(150)),
    # GOLD spirometric grades apply to COPD only (once FEV1/FVC < 0.7 confirms airflow
    # obstruction), so people with asthma alone get no grade.
    band_sets=(ContextBands(When(conditions=frozenset({"copd"})), _bands(
        ("GOLD-1", "Mild (GOLD 1): your airways are a little narrowed", "80", None),
        ("GOLD-2", "Moderate (GOLD 2): your airways are narrowed", "50", "80"),
        ("GOLD-3", "Severe (GOLD 3): your airways are very narrowed", "30", "50"),
        ("GOLD-4", "Very severe (GOLD 4): your airways are very much narrowed", None, "30"),
    )),),
    steady_within=D(3),  # Repeat blows on the same day vary by a few per cent.
    what_it_is=(
        "FEV1 is how much air you can blow out in the first second of a hard, fast breath out. "
        "It is measured with a machine called a spirometer. The result is shown as a "
        "percentage of what is expected for someone of your age, height and sex."
    ),
    how_to_read=(
        "A higher number means air flows out of your lungs more easily. 80% or more is close "
        "to what is expected. In COPD, the result is put into one of four groups, from mild "
        "to very severe. This number is only part of the picture: how you feel and what you "
        "can do matter too."
    ),
    source="GOLD (Global Initiative for Chronic Obstructive Lung Disease) spirometric grades; "
           "NICE NG115",
)

MRC_DYSPNOEA = ResultSpec(
    code="mrc-dyspnoea",
    name="MRC breathlessness scale",
    sentence_name="the MRC breathlessness grade",
    short_name="MRC dyspnoea grade",
    unit="",
    kind=ValueKind.SCORE,
    conditions=frozenset({"copd"}),
    example="2",
    entry_range=EntryRange(D(1), D(5)),  # The scale's own range.
    # MRC dyspnoea scale grades, in our words.
    band_sets=(ContextBands(EVERYONE, _bands(
        ("1", "Grade 1: you only get out of breath with hard exercise", "1", "2"),
        ("2", "Grade 2: you get out of breath when hurrying or walking up a small hill",
         "2", "3"),
        ("3", "Grade 3: you walk slower than others your age, or stop for breath when walking "
              "at your own pace", "3", "4"),
        ("4", "Grade 4: you stop for breath after walking about 100 metres or a few minutes",
         "4", "5"),
        ("5", "Grade 5: you are too out of breath to leave the house, or to get dressed",
         "5", None),
    )),),
    red_flags=(
        ThresholdRule("mrc-grade-5", Comparison.AT_LEAST, D(5), ROUTINE,
                      TRIAGE_SUGGESTION),
    ),
    what_it_is=(
        "The MRC breathlessness scale shows how much being out of breath affects your daily "
        "life. It goes from grade 1 to grade 5."
    ),
    how_to_read=(
        "A lower grade is better. Grade 1 means you only get out of breath with hard "
        "exercise. Grade 5 means you are too out of breath to leave the house. If your grade "
        "is 3 or more, a pulmonary rehabilitation course (exercise and advice for people with "
        "lung problems) may help you."
    ),
    source="MRC dyspnoea scale; NICE NG115 (COPD in over 16s)",
)

CAT = ResultSpec(
    code="cat",
    name="COPD Assessment Test (CAT)",
    sentence_name="the CAT score",
    short_name="CAT score",
    unit="",
    kind=ValueKind.SCORE,
    conditions=frozenset({"copd"}),
    example="14",
    entry_range=EntryRange(D(0), D(40)),  # 8 questions scored 0 to 5.
    targets=(ContextTarget(EVERYONE, Target.below(10), "CAT: low impact, below 10"),),
    # Impact levels from the CAT developers (catestonline.org).
    band_sets=(ContextBands(EVERYONE, _bands(
        ("low", "Low impact: COPD has a small effect on your daily life", None, "10"),
        ("medium", "Medium impact: COPD has some effect on your daily life", "10", "21"),
        ("high", "High impact: COPD has a big effect on your daily life", "21", "31"),
        ("very-high", "Very high impact: COPD has a very big effect on your daily life",
         "31", None),
    )),),
    red_flags=(
        ThresholdRule("cat-very-high", Comparison.ABOVE, D(30), ROUTINE,
                      "CAT: very high impact, above 30"),
    ),
    what_it_is=(
        "The COPD Assessment Test (CAT) is 8 short questions about how COPD affects your "
        "daily life, like coughing, breathlessness, sleep and energy. Scores go from 0 to 40."
    ),
    how_to_read=(
        "A lower score means COPD is having less effect on your life. Below 10 is low impact, "
        "10 to 20 is medium, 21 to 30 is high and over 30 is very high. A change of 2 points "
        "or more can mean a real change in how you feel."
    ),
    source="COPD Assessment Test (Jones et al. 2009; catestonline.org)",
)

ACT = ResultSpec(
    code="act",
    name="Asthma Control Test",
    sentence_name="the Asthma Control Test score",
    short_name="ACT score",
    unit="",
    kind=ValueKind.SCORE,
    conditions=frozenset({"asthma"}),
    example="21",
    entry_range=EntryRange(D(5), D(25)),  # 5 questions scored 1 to 5.
    targets=(ContextTarget(EVERYONE, Target.at_least(20), "ACT: well controlled, 20 or more"),),
    band_sets=(ContextBands(EVERYONE, _bands(
        ("poor", "Poorly controlled: your asthma is affecting you a lot", None, "16"),
        ("not-well", "Not well controlled: your asthma could be better controlled", "16",
         "20"),
        ("well", "Well controlled: your asthma is under control", "20", None),
    )),),
    red_flags=(
        ThresholdRule("act-poor-control", Comparison.AT_MOST, D(15), ROUTINE,
                      "ACT: poorly controlled, 15 or less"),
    ),
    what_it_is=(
        "The Asthma Control Test is 5 questions about your asthma over the last 4 weeks. "
        "Scores go from 5 to 25."
    ),
    how_to_read=(
        "A higher score is better. 20 or more means your asthma is well controlled. 16 to 19 "
        "means it is not well controlled. 15 or less means it is poorly controlled, and a "
        "change to your asthma care may help."
    ),
    source="Asthma Control Test (Nathan et al. 2004)",
)

# --- mental health ---------------------------------------------------------------------------

PHQ9 = ResultSpec(
    code="phq-9",
    name="PHQ-9 (mood questionnaire)",
    sentence_name="the PHQ-9 score",
    short_name="PHQ-9 score",
    unit="",
    kind=ValueKind.SCORE,
    conditions=frozenset({"mental-health"}),
    example="8",
    entry_range=EntryRange(D(0), D(27)),  # 9 questions scored 0 to 3.
    has_item_9=True,
    targets=(ContextTarget(EVERYONE, Target.below(5), "PHQ-9: below 5"),),
    # Severity cut-offs 5, 10, 15, 20 (Kroenke, Spitzer and Williams 2001).
    band_sets=(ContextBands(EVERYONE, _bands(
        ("minimal", "Few or no signs of low mood", None, "5"),
        ("mild", "Mild: some signs of low mood", "5", "10"),
        ("moderate", "Moderate: signs of low mood that are affecting you", "10", "15"),
        ("moderately-severe", "Moderately severe: low mood is affecting you a lot", "15",
         "20"),
        ("severe", "Severe: low mood is affecting you very much", "20", None),
    )),),
    red_flags=(
        ThresholdRule("phq-9-severe", Comparison.AT_LEAST, D(20), SAME_DAY,
                      TRIAGE_SUGGESTION + ": same-day review"),
        # Any answer above "not at all" to the self-harm question needs a clinician to
        # ask about risk the same day, whatever the total.
        ThresholdRule("phq-9-item-9", Comparison.AT_LEAST, D(1), SAME_DAY,
                      TRIAGE_SUGGESTION + ": same-day risk review",
                      measure=Measure.ITEM_9),
        MissingItem9Rule("phq-9-item-9-missing", ROUTINE,
                         "Safety net: item 9 must be known to rule out self-harm risk"),
    ),
    what_it_is=(
        "The PHQ-9 is 9 questions about your mood over the last 2 weeks, like your interest "
        "in doing things, your sleep and your energy. Scores go from 0 to 27."
    ),
    how_to_read=(
        "A lower score means fewer signs of low mood or depression. It is not a test you pass "
        "or fail. It helps you and your clinician talk about how you feel. If you ever have "
        "thoughts of hurting yourself, you do not have to wait for your appointment. Contact "
        "your GP practice or call NHS 111. You can call Samaritans free on 116 123, day or "
        "night. In an emergency, call 999."
    ),
    source="PHQ-9 (Kroenke, Spitzer and Williams 2001); NICE NG222 (depression in adults)",
)

GAD7 = ResultSpec(
    code="gad-7",
    name="GAD-7 (anxiety questionnaire)",
    sentence_name="the GAD-7 score",
    short_name="GAD-7 score",
    unit="",
    kind=ValueKind.SCORE,
    conditions=frozenset({"mental-health"}),
    example="6",
    entry_range=EntryRange(D(0), D(21)),  # 7 questions scored 0 to 3.
    targets=(ContextTarget(EVERYONE, Target.below(5), "GAD-7: below 5"),),
    # Severity cut-offs 5, 10, 15 (Spitzer et al. 2006).
    band_sets=(ContextBands(EVERYONE, _bands(
        ("minimal", "Few or no signs of anxiety", None, "5"),
        ("mild", "Mild: some signs of anxiety", "5", "10"),
        ("moderate", "Moderate: signs of anxiety that are affecting you", "10", "15"),
        ("severe", "Severe: anxiety is affecting you a lot", "15", None),
    )),),
    red_flags=(
        ThresholdRule("gad-7-severe", Comparison.AT_LEAST, D(15), ROUTINE,
                      TRIAGE_SUGGESTION),
    ),
    what_it_is=(
        "The GAD-7 is 7 questions about feeling worried, nervous or on edge over the last 2 "
        "weeks. Scores go from 0 to 21."
    ),
    how_to_read=(
        "A lower score means fewer signs of anxiety. 5 to 9 is mild, 10 to 14 is moderate and "
        "15 or more is severe. Help is there if you want it, such as NHS Talking Therapies, "
        "which you can often contact yourself."
    ),
    source="GAD-7 (Spitzer et al. 2006); NICE CG113 (anxiety disorders)",
)

# --- the catalogue ---------------------------------------------------------------------------

RESULT_TYPES: tuple[ResultSpec, ...] = (
    HBA1C,
    BLOOD_PRESSURE,
    TOTAL_CHOLESTEROL,
    NON_HDL_CHOLESTEROL,
    LDL_CHOLESTEROL,
    EGFR,
    URINE_ACR,
    POTASSIUM,
    WEIGHT,
    BMI,
    FOOT_RISK,
    RETINAL_SCREENING,
    SMOKING_STATUS,
    FEV1,
    MRC_DYSPNOEA,
    CAT,
    ACT,
    PHQ9,
    GAD7,
)

BY_CODE: Mapping[str, ResultSpec] = MappingProxyType({s.code: s for s in RESULT_TYPES})


def get(code: str) -> ResultSpec:
    """The result type with this code; KeyError names the unknown code."""
    try:
        return BY_CODE[code]
    except KeyError:
        raise KeyError(f"No result type {code!r} in the catalogue") from None


def for_condition(condition: str) -> tuple[ResultSpec, ...]:
    """Result types that belong to a condition, in catalogue order."""
    return tuple(s for s in RESULT_TYPES if condition in s.conditions)
