# The portal's English pages (/en/): dates and times the British way, as a Danish association
# writes English ("15 December 2026, 09:00"), not Django's American default ("Dec. 15, 2026,
# 9 a.m."). Numbers keep Django's English grouping: 1,500.00.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
