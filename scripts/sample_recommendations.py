"""The Mid-Term Review's recommendations for the sample (Recommendations sheet).

From the source (seed 003, MTR summary, June 2017): numbers 1-15, their titles and wording (shortened),
who they are mainly addressed to and the phases they concern. The review has 16 recommendations; the
available extract ends with number 15, so number 16 is a placeholder to be completed from the full
report. Illustrative: every management response, responsible unit, due date, status and progress note.
"""

from __future__ import annotations

import datetime as dt

HQ, CO, BOTH = "HQs", "country offices", "HQs and country offices"

# number, title, detail (shortened from the review), addressee, phase
FROM_THE_REVIEW = [
    (1, "Strengthen information exchange and knowledge management",
     "Bilateral learning missions; a support hub / knowledge depository; consolidate and disseminate Phase II "
     "lessons learned.", BOTH, "II and III"),
    (2, "Strengthen communication efforts",
     "Reinforce the website, Yammer and newsletter; printer-friendly newsletter linking migration mainstreaming "
     "and the SDGs; an online community of practice.", HQ, "II and III"),
    (3, "Follow up on South-South cooperation",
     "Follow-up activities and networks beyond Programme platforms; study tours to non-Programme countries.",
     CO, "II and III"),
    (4, "Capacity building and training",
     "Expand training to partners with follow-up; an orientation package; an online IOM M&D training module; "
     "rights-based and gender perspectives.", BOTH, "II and III"),
    (5, "Resource mobilisation using the current programme as leverage",
     "Support governments in using the Programme to obtain funding; attract more development partners.",
     BOTH, "II and III"),
    (6, "Implementation of the Sustainable Development Goals",
     "Help each country set indicators and measure progress on the SDGs linked to migration and development.",
     BOTH, "II and III"),
    (7, "Create awareness and opportunities through the GMG and GFMD",
     "Continue contributing to the GMG working group on mainstreaming and to GFMD meetings.", HQ, "II and III"),
    (8, "Implementing agencies to work more closely together",
     "Enhance joint programming between IOM and UNDP at global and national level.", HQ, "II and III"),
    (9, "Consolidate the annual interim donor report",
     "A consolidated annual donor report; UNDP to use IOM's annex 'Progress Achieved Compared to Indicators in "
     "the Results Matrix' (indicators, baselines, targets).", HQ, "II and III"),
    (10, "Integrate migration and development into UNCT activities",
     "Infuse M&D into UNCT work and the UNDAF; train UNCT agencies.", HQ, "II and III"),
    (11, "Involve government technical officers to ensure sustainability",
     "Ensure technical officers, not only political representatives, attend events and platforms.", HQ,
     "II and III"),
    (12, "Consultations on the Global Compact",
     "Advocate through the GMG for Global Compact consultations in the eight implementing countries.", HQ,
     "II and III"),
    (13, "Focus on results",
     "Use the M&E framework, guidelines and reports for strategic, results-based management.", HQ, "II and III"),
    (14, "Build synergies between JMDI and the programme during the transition",
     "A strategy for collaboration with the Joint Migration and Development Initiative.", HQ, "III"),
    (15, "Design of Phase III",
     "More ambitious consolidation and expansion; a theory of change; roles by comparative advantage; "
     "countries in the priority setting (bottom-up).", HQ, "III"),
    (16, "Recommendation 16 (wording to be entered from the full review)",
     "The available extract of the review lists recommendations 1-15.", HQ, "III"),
]

# number -> management response, responsible unit, due date, status, progress notes (all illustrative)
RESPONSES = {
    1: ("Agreed. A knowledge hub on the Programme website and two bilateral learning missions in 2017/18.",
        "PMU (UNDP)", dt.date(2017, 12, 31), "in progress", "Hub structure agreed; first mission (Moldova-Serbia) "
                                                           "being planned."),
    2: ("Agreed. Quarterly PDF newsletter from July 2017; community of practice on Yammer.", "PMU (IOM)",
        dt.date(2017, 6, 30), "in progress", "Newsletter template ready; first issue delayed to September."),
    3: ("Agreed. Country offices propose one South-South exchange each in the 2018 work plans.",
        "IOM and UNDP country offices", dt.date(2018, 3, 31), "not started", None),
    4: ("Agreed. Orientation package and online version of the IOM M&D module.", "IOM HQ", dt.date(2018, 1, 31),
        "in progress", "Orientation package drafted."),
    5: ("Agreed. Resource mobilisation notes per country.", "UNDP and IOM country offices", dt.date(2018, 1, 31),
        "in progress", "Notes received from 3 of 8 countries."),
    6: ("Agreed. SDG indicator mapping support in each country.", "PMU", dt.date(2018, 1, 31), "in progress",
        "Mapping completed in Moldova and Serbia."),
    7: ("Agreed. Programme results presented at the GFMD and the GMG working group.", "UNDP HQ",
        dt.date(2017, 12, 31), "in progress", "Side event at the GFMD in Berlin planned."),
    8: ("Agreed. Monthly joint PMU meetings and joint country missions.", "PMU", dt.date(2017, 9, 30),
        "in progress", "Monthly meetings held since June 2017."),
    9: ("Agreed. One consolidated annual report with a results matrix from the 2017 report on.", "PMU",
        dt.date(2018, 3, 31), "in progress", "Consolidated format agreed with SDC."),
    10: ("Agreed. Briefings for UNCTs in the eight countries.", "UNDP country offices", dt.date(2018, 1, 31),
         "not started", None),
    11: ("Agreed. Invitations to name technical officers alongside focal points.", "PMU", dt.date(2017, 7, 15),
         "not started", None),
    12: ("Agreed in part: consultations where governments ask for them.", "IOM HQ", dt.date(2017, 12, 31),
         "in progress", "Consultations held in two countries."),
    13: ("Agreed. The results dashboard and biannual progress matrix for the Global Project Board.", "PMU",
         dt.date(2017, 10, 31), "in progress", "Dashboard in use for the 2017 board."),
    14: ("Agreed. A joint JMDI-Programme strategy for Phase III.", "UNDP HQ", dt.date(2018, 1, 31), "not started",
         None),
    15: ("Agreed. Phase III design with a theory of change and country consultations.", "PMU",
         dt.date(2018, 1, 31), "in progress", "Concept note drafted."),
    16: (None, None, None, "not started", None),
}


def recommendation_rows() -> list[dict]:
    rows = []
    for number, title, detail, addressee, phase in FROM_THE_REVIEW:
        response, unit, due, status, notes = RESPONSES[number]
        rows.append(dict(number=number, title=title, detail=detail, addressee=addressee, phase=phase,
                         management_response=response, responsible_unit=unit, due_date=due, status=status,
                         progress_notes=notes))
    return rows
