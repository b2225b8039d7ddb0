import acme_reporting

acme_reporting.weekly_sales().to_csv("weekly-sales.csv", index=False)
