"""What the synthetic officer-level reports are made of: iGOT's exact headers, the experience
bands, designations by band, and the content officers enrol in besides Annexure-3.

The headers are the column lists of iGOT's `user-report.csv` and `user-enrollment-report.csv`
as issue 12 gives them (the MDO portal's Reports section). Officers' names come from Faker's
`en_IN` name lists (pinned in pyproject.toml, so the bytes stay the same).
"""

USER_REPORT = "user-report.csv"
ENROLMENT_REPORT = "user-enrollment-report.csv"
CBP_REPORT = "cbp-report-mdo-enrolment.csv"  # optional: courses allocated in a CBP plan

USER_HEADER = [
    "Full_Name",
    "Designation",
    "Email",
    "Phone_Number",
    "MDO_Name",
    "Group",
    "Tag",
    "Ministry",
    "Department",
    "Organization",
    "User_Registration_Date",
    "Cadre",
    "Civil Service Type",
    "Civil Services",
    "Cadre Batch",
    "Is From Organised Service of Govt",
    "Roles",
    "Gender",
    "Category",
    "External_System",
    "External_System_Id",
    "Employee_Id",
    "MDO_Created_On",
    "Profile_Status",
    "weekly_claps_day_before_yesterday",
    "Karma_Points",
    "Event_Enrolments",
    "Event_Completions",
    "Event_Learning_Hours",
    "Course_Enrolments",
    "Course_Completions",
    "Course_Learning_Hours",
    "Total_Enrolments",
    "Total_Completions",
    "Total_Learning_Hours",
    "Report_Last_Generated_On",
]

ENROLMENT_HEADER = [
    "Full_Name",
    "Designation",
    "Email",
    "Phone_Number",
    "MDO_Name",
    "Group",
    "Tag",
    "Ministry",
    "Department",
    "Organization",
    "Content_Provider",
    "Content_Name",
    "Content_Type",
    "Content_Duration",
    "Batch_Id",
    "Batch_Name",
    "Batch_Start_Date",
    "Batch_End_Date",
    "Enrolled_On",
    "Status",
    "Content_Progress_Percentage",
    "Last_Published_On",
    "Content_Retired_On",
    "Completed_On",
    "Certificate_Generated",
    "User_Rating",
    "Gender",
    "Category",
    "External_System",
    "External_System_Id",
    "Certificate_ID",
    "Report_Last_Generated_On",
    "Live_CBP_Plan_Mandate",
]

CBP_HEADER = [
    "Name",
    "Email",
    "Phone",
    "MDO_Name",
    "Group",
    "Designation",
    "Ministry",
    "Department",
    "Organization",
    "Name of CBP Allocated Course",
    "isapar",
    "Allocated On",
    "Current Progress",
    "Due Date of Completion",
    "Actual Date of Completion",
    "Report_Last_Generated_On",
]

# Annexure-3's bands, as its AI rows spell them (its Cybersecurity rows print the last one as
# 'MTS equivalent &', an OCR slip read as the same band), with the share of officers in each.
BANDS = ("16 Years and above", "9 - 16 Years", "0 - 9 Years", "MTS & equivalent")
BAND_SHARES = (0.08, 0.22, 0.45, 0.25)
BAND_SPELLINGS = {"MTS equivalent &": "MTS & equivalent"}

# Per band: the iGOT Group and designations an officer of that band has.
GROUPS_BY_BAND = (
    (("Group A", 0.9), ("Group B", 0.1)),
    (("Group A", 0.4), ("Group B", 0.6)),
    (("Group B", 0.3), ("Group C", 0.7)),
    (("Group C", 0.3), ("Group D", 0.7)),
)
DESIGNATIONS_BY_BAND = (
    (
        "Principal Secretary",
        "Secretary",
        "Special Secretary",
        "Director",
        "Chief Engineer",
        "Joint Secretary",
        "District Magistrate",
    ),
    (
        "Deputy Secretary",
        "Under Secretary",
        "Executive Engineer",
        "Deputy Director",
        "Superintending Engineer",
        "Sub Divisional Officer",
        "Block Development Officer",
    ),
    (
        "Assistant Engineer",
        "Junior Engineer",
        "Section Officer",
        "Assistant Section Officer",
        "Teacher",
        "Staff Nurse",
        "Revenue Officer",
        "Accountant",
        "Programme Officer",
    ),
    (
        "Multi Tasking Staff",
        "Clerk",
        "Office Attendant",
        "Data Entry Operator",
        "Driver",
        "Peon",
    ),
)
GENDERS = (("Male", 0.67), ("Female", 0.32), ("Others", 0.01))
CATEGORIES = (("General", 0.3), ("OBC", 0.4), ("SC", 0.16), ("ST", 0.04), ("", 0.1))
PROFILE_STATUSES = (("VERIFIED", 0.7), ("NOT-VERIFIED", 0.3))
ROLES = (("PUBLIC", 0.985), ("PUBLIC,MDO_ADMIN", 0.01), ("PUBLIC,MDO_LEADER", 0.005))

# Content on iGOT that is not on Annexure-3: (name, provider, type, duration 'HH:MM:SS').
OTHER_CONTENT = (
    ("Mission Karmayogi - An Introduction", "Karmayogi Bharat", "Course", "00:45:00"),
    ("Prevention of Sexual Harassment (POSH) at Workplace", "NCW", "Course", "01:30:00"),
    ("Right to Information Act 2005", "ISTM", "Course", "02:10:00"),
    ("Noting and Drafting", "ISTM", "Course", "03:05:00"),
    ("e-Office: Digital Workplace", "NIC", "Course", "01:15:00"),
    ("Stress Management", "Art of Living", "Course", "01:40:00"),
    ("Yoga Break at Workplace", "Ministry of AYUSH", "Course", "00:35:00"),
    ("Public Procurement through GeM", "GeM", "Course", "02:20:00"),
    ("Financial Rules for Government Officers", "ISTM", "Course", "04:00:00"),
    ("Disaster Management Basics", "NIDM", "Course", "02:30:00"),
    ("Effective Communication", "Karmayogi Bharat", "Course", "01:05:00"),
    ("Vigilance Awareness", "CVC", "Course", "00:50:00"),
    ("Gender Sensitisation", "LBSNAA", "Course", "01:20:00"),
    ("Service Delivery and Citizen Centricity", "Karmayogi Bharat", "Course", "01:45:00"),
    ("Fit India Freedom Run", "Sports Authority of India", "Course", "00:20:00"),
    ("Leadership for Public Servants", "LBSNAA", "Program", "12:00:00"),
    ("Induction Training for State Officers", "State ATI", "Blended Program", "30:00:00"),
)
# Names that read like AI or Cybersecurity courses but are not Annexure-3 courses: a different
# provider, a different spelling ('Cyber Security' is not 'Cybersecurity'), or not on the list.
# The review should list them for a human; they never count for a mandate.
LOOKALIKE_CONTENT = (
    ("Introduction to Generative AI", "Google Cloud", "Course", "00:45:00"),
    ("Cyber Security Awareness", "NIC", "Course", "01:00:00"),
    ("Artificial Intelligence in Governance", "State ATI", "Course", "02:00:00"),
    ("Cybersecurity", "Coursera", "Course", "03:15:00"),
    ("Foundations of Cyber Security", "Google", "Course", "10:10:00"),
    ("AI for All", "Intel", "Course", "04:00:00"),
)
OTHER_PROGRAMS = ("Program", "Blended Program")
