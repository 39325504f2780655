# Vietnamese number and date formats where Django's defaults differ from
# administrative usage: thousands grouped with "." (2.340.000 đồng), dates dd/mm/yyyy.
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
SHORT_DATE_FORMAT = "d/m/Y"
