"""Workbooks in the shape the country offices and the global team really send them (issue 14), each with
everything that shape brings at once: another language, numbers typed as text under that language's
convention, a title block naming the programme, subtotal rows, columns the reader does not know. Built with
openpyxl; the single-feature workbooks are in inputs_languages, inputs_numbers, inputs_layout and
inputs_delivery."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

PROGRAMME_TITLE = "Programme conjoint mondial OIM-PNUD « Intégrer la migration dans les stratégies nationales »"


def morocco_matrix(path: Path) -> Path:
    """A French results matrix: title rows naming the programme and the country, decimal commas typed as text
    ('0,450' and '12,5' in the same columns), 'Produit 1', 'Hausse', a column the reader does not know."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Matrice"
    sheet.append([PROGRAMME_TITLE])
    sheet.append(["Pays : Maroc"])
    sheet.append(["Produit", "Code indicateur", "Indicateur", "Unité", "Sens", "Valeur de référence", "Période",
                  "Cible", "Réalisé", "Point focal"])
    sheet.append(["Produit 1", "1.1", "Indice de cohérence des politiques", "indice", "Hausse", "0,450",
                  "2014/15 H2", "0,600", "0,525", "M. Alaoui"])
    sheet.append(["Produit 1", "1.2", "Part des communes couvertes", "%", "Hausse", "12,5", "2014/15 H2", "25",
                  "20,25", "Mme Idrissi"])
    workbook.save(path)
    return path


def morocco_matrix_wide(path: Path) -> Path:
    """The same matrix laid out wide under French headers naming their year: 'Cible 2015', 'Réalisé 2015'."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Matrice"
    sheet.append(["Pays : Maroc"])
    sheet.append(["Produit", "Code indicateur", "Indicateur", "Unité", "Sens", "Valeur de référence",
                  "Cible 2015", "Réalisé 2015", "Cible 2016", "Réalisé 2016"])
    sheet.append(["Produit 1", "1.1", "Indice de cohérence des politiques", "indice", "Hausse", "0,450",
                  "0,600", "0,525", "0,700", None])
    workbook.save(path)
    return path


def ecuador_work_plan(path: Path) -> Path:
    """A Spanish work plan: a title naming the (global) programme, 'País: Ecuador', quarters T1-T4 marked with X,
    'Producto 1', PNUD/OIM, Spanish statuses, amounts with a dot for thousands typed as text ('12.500') and
    Excel's subtotal rows ('Producto 1 Total')."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Plan de trabajo 2015"
    sheet.append(["Programa Conjunto Global OIM-PNUD sobre Migración y Desarrollo – Plan anual de trabajo 2015"])
    sheet.append(["País: Ecuador"])
    sheet.append(["Producto", "Código", "Actividad", "Responsable", "Estado", "T1", "T2", "T3", "T4", "Fin real",
                  "Presupuesto", "Socio nacional"])
    sheet.append(["Producto 1", "1.1", "Taller de lanzamiento", "PNUD", "Completada", "X", None, None, None,
                  "20/03/2015", "12.500", "Cancillería"])
    sheet.append(["Producto 1", "1.2", "Mapeo de actores", "OIM", "En curso", None, "X", "X", None, None,
                  "8.000,50", None])
    sheet.append(["Producto 1 Total", None, None, None, None, None, None, None, None, None, "20.500,50"])
    sheet.append(["Producto 2", "2.1", "Perfil migratorio", "OIM", "Retrasada", None, None, "X", "X", None,
                  "1.250", None])
    sheet.append(["Total general", None, None, None, None, None, None, None, None, None, "21.750,50"])
    workbook.save(path)
    return path


def kyrgyzstan_expenditure(path: Path) -> Path:
    """Russian-headed expenditure in som: the title block gives the country, the year and the currency
    ('Валюта: сом'), amounts typed with spaces for thousands and a decimal comma, an 'Итого' row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Расходы"
    sheet.append(["Страна: Кыргызстан"])
    sheet.append(["Год: 2015"])
    sheet.append(["Валюта: сом"])
    sheet.append(["Продукт", "Агентство", "Бюджет", "Расходы", "Примечание"])
    sheet.append(["Продукт 1", "ПРООН", "1 500 000,00", "900 000,50", "первый транш"])
    sheet.append(["Продукт 2", "МОМ", "700 000", "650 000,25", None])
    sheet.append(["Итого", None, "2 200 000,00", "1 550 000,75", None])
    workbook.save(path)
    return path


def jamaica_cdr_french(folder: Path) -> Path:
    """A delivery report exported in French: title block in French (Unité opérationnelle, Projet, Période,
    Devise), amounts with a space for thousands and a decimal comma, Excel's subtotal and 'Total général', and
    the award's mapping file beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "00081234.outputs.csv").write_text("activity,output,agency\nACTIVITY1,1,\nACTIVITY2,5,IOM\n",
                                                 encoding="utf-8")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "CDR"
    for row in (["Rapport combiné d'exécution (CDR)"], ["Unité opérationnelle : Jamaïque"], ["Projet : 00081234"],
                ["Période : janv.–déc. 2016"], ["Devise : USD"],
                ["Activité", "Compte", "Description du compte", "Budget", "Dépenses", "Engagements"],
                ["ACTIVITY1", "71200", "Consultants internationaux", "10 000,00", "8 000,50", "500,00"],
                ["ACTIVITY1", "72100", "Services contractuels", "2 500,00", "2 400,00", None],
                ["ACTIVITY1 Total", None, None, "12 500,00", "10 400,50", "500,00"],
                ["ACTIVITY2", "71600", "Voyages", "3 000,00", "1 250,25", None],
                ["ACTIVITY2 Total", None, None, "3 000,00", "1 250,25", None],
                ["Total général", None, None, "15 500,00", "11 650,75", "500,00"]):
        sheet.append(row)
    path = folder / "cdr-jamaique-2016.xlsx"
    workbook.save(path)
    return path
