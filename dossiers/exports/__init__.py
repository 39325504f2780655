"""Files the project produces for people outside it: spreadsheets and upload packages."""
