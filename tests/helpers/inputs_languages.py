"""Workbooks as country offices write them in their own language (issue 14, item 2), built with openpyxl:
a French results matrix from Morocco, a Spanish work plan from Ecuador, Russian-headed expenditure from
Kyrgyzstan, a Romanian work plan from Moldova, and a CSV export with Excel's 'ACTIVITY1 Total' rows."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook


def french_results_matrix(path: Path) -> Path:
    """Morocco: French headers, numbers as numbers, a column the reader does not know, a 'Total' row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Matrice de résultats"
    sheet.append(["Programme conjoint OIM-PNUD : matrice des résultats, Maroc"])
    sheet.append([])
    sheet.append(["Produit", "Code indicateur", "Indicateur", "Unité", "Sens", "Pays", "Valeur de référence",
                  "Période", "Cible", "Réalisé", "Moyens de vérification", "Point focal"])
    sheet.append(["Produit 1", "1.1", "Nombre de ministères impliqués", "nombre", "Hausse", "Maroc", 2,
                  "2014/15 H1", 4, 3, "Rapports", "M. Alaoui"])
    sheet.append(["Produit 1", "1.2", "Part des communes couvertes", "%", "Hausse", "Maroc", 10.5,
                  "2014/15 H1", 25, 20.25, "Enquête", "Mme Idrissi"])
    sheet.append(["Total", None, None, None, None, None, 12.5, None, 29, 23.25])
    workbook.save(path)
    return path


def spanish_work_plan(path: Path) -> Path:
    """Ecuador: Spanish headers, quarters T1-T4 marked with X, 'Producto 1' labels, PNUD/OIM, Spanish statuses."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Plan de trabajo"
    sheet.append(["Plan anual de trabajo 2015 - Ecuador"])
    sheet.append(["Producto", "Código", "Actividad", "Responsable", "Estado", "T1", "T2", "T3", "T4",
                  "Fin real", "Presupuesto", "Observaciones", "Socio nacional"])
    sheet.append(["Producto 1", "1.1", "Taller de lanzamiento", "PNUD", "Completada", "X", None, None, None,
                  "2015-03-20", 5000, "listo", "Cancillería"])
    sheet.append(["Producto 1", "1.2", "Mapeo de actores", "OIM", "En curso", None, "X", "X", None, None, 8000, None,
                  None])
    sheet.append(["Producto 2", "2.1", "Perfil migratorio", "OIM", "Retrasada", None, None, "x", "X", None, 12000,
                  None, None])
    sheet.append(["Producto 1 Total", None, None, None, None, None, None, None, None, 13000])
    workbook.save(path)
    return path


def russian_expenditure(path: Path) -> Path:
    """Kyrgyzstan: Russian headers, amounts in som (сом), ПРООН and МОМ, an 'Итого' row, an unnamed column
    with data and an empty one without."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Расходы"
    sheet.append(["Страна", "Продукт", "Агентство", "Год", "Бюджет", "Расходы", "Валюта", "Примечание", None,
                  "Источник"])
    sheet.append(["Кыргызстан", "Продукт 1", "ПРООН", 2014, 1500000, 900000, "сом", "первый транш", "x", "ERP"])
    sheet.append(["Кыргызстан", "Продукт 2", "МОМ", 2014, 700000, 650000.5, "сом", None, None, "ERP"])
    sheet.append(["Итого", None, None, None, 2200000, 1550000.5])
    workbook.save(path)
    return path


def romanian_work_plan(path: Path) -> Path:
    """Moldova: Romanian headers, 'Produsul 1' labels, PNUD/OIM, planned dates, Romanian statuses, in lei."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Plan de lucru"
    sheet.append(["Țara", "Produsul", "Cod activitate", "Activitate", "Agenția responsabilă", "Început planificat",
                  "Sfârșit planificat", "Sfârșit efectiv", "Statut", "Buget", "Valuta"])
    sheet.append(["Republica Moldova", "Produsul 1", "1.1", "Consultări cu diaspora", "PNUD", "2015-02-01",
                  "2015-06-30", None, "În desfășurare", 20000, "lei"])
    sheet.append(["Republica Moldova", "Produsul 3", "3.1", "Ghid metodologic", "OIM", "2015-03-01", "2015-09-30",
                  "2015-09-15", "Finalizat", 35000, "lei"])
    sheet.append(["Subtotal", None, None, None, None, None, None, None, None, 55000])
    workbook.save(path)
    return path


def activity_total_csv(path: Path) -> Path:
    """An expenditure export as CSV (every cell text) with Excel's subtotal rows ('ACTIVITY1 Total', 'Grand
    Total') and a column the reader does not know (Voucher)."""
    path.write_text(
        "Country,Output,Agency,Programme year,Budget,Expenditure,Currency,Voucher\n"
        "Jamaica,1,UNDP,2014,\"12,500\",8000,USD,V-001\n"
        "ACTIVITY1 Total,,,,\"12,500\",8000,,\n"
        "Jamaica,2,IOM,2014,3000.50,1000,USD,\n"
        "ACTIVITY2 Total,,,,3000.50,1000,,\n"
        "Grand Total,,,,\"15,500.50\",9000,,\n", encoding="utf-8")
    return path


def spanish_sheet_missing_columns(path: Path) -> Path:
    """A Spanish work plan without its Producto and Responsable columns: no sheet is recognised."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Hoja1"
    sheet.append(["Plan operativo 2015"])
    sheet.append(["Actividad", "Lugar", "T1", "T2"])
    sheet.append(["Taller", "Quito", "X", None])
    workbook.save(path)
    return path
