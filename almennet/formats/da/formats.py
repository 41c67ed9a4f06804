# The Danish pages: Django's Danish formats, named here so that templates can use the format
# names (DATE_FORMAT, DATETIME_FORMAT) and get the same in both languages' way.
from django.conf.locale.da.formats import *  # noqa: F403

DATE_FORMAT = "j. F Y"
DATETIME_FORMAT = "j. F Y H:i"
TIME_FORMAT = "H:i"
