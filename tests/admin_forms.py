"""What the admin's project change form posts when only the project's own fields are filled in."""

PROJECT_FORM = {
    "code": "",
    "category": "",
    "continuity": "",
    "implementing_unit": "",
    "competent_department": "",
    "responsible_person": "",
    "contact": "",
    "phone": "",
    "start_date": "",
    "end_date": "",
    "description": "",
    "fundings-TOTAL_FORMS": "0",
    "fundings-INITIAL_FORMS": "0",
    "fundings-MIN_NUM_FORMS": "0",
    "fundings-MAX_NUM_FORMS": "1000",
}
