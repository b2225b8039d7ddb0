import sys

import dataframe_profiling

dataframe_profiling.report(sys.argv[1], "report.html")
