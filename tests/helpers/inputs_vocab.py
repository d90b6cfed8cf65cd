"""Workbooks whose dates are written with the month names of their language (issue 14, languages as data),
built with openpyxl: a French milestone list from Morocco and a Spanish one from Ecuador."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook


def _milestones(path: Path, title: str, header: list[str], rows: list[list]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def french_milestones(path: Path) -> Path:
    """Morocco: due and achieved dates as text with French month names ('30 juin 2015', '1er mars 2015'), a
    month alone ('décembre 2015': its last day) and a day June does not have."""
    return _milestones(path, "Jalons", ["Pays", "Jalon", "Catégorie", "Échéance", "Date de réalisation"], [
        ["Maroc", "Comité de pilotage installé", "Démarrage", "30 juin 2015", "1er mars 2015"],
        ["Maroc", "Stratégie adoptée", "Mise en œuvre", "décembre 2015", None],
        ["Maroc", "Atelier régional", "Mise en œuvre", "31 juin 2015", None],
    ])


def spanish_milestones(path: Path) -> Path:
    """Ecuador: '30 de junio de 2015', 'marzo 2015' and 'sept. 2015'."""
    return _milestones(path, "Hitos", ["País", "Hito", "Categoría", "Fecha prevista", "Fecha de cumplimiento"], [
        ["Ecuador", "Comité instalado", "Inicio", "30 de junio de 2015", "marzo 2015"],
        ["Ecuador", "Estrategia adoptada", "Ejecución", "sept. 2015", None],
    ])
