"""Exports for the programme's board (programme.toml, [programme] board): the board pack (.xlsx and .pdf) of
a period, with every country's flash report. No Streamlit here: the dashboard and the command line both call it."""

from .board_pack import BoardPackError, build_board_pack, pack_name, record_export, resolve_period, write_board_pack

__all__ = ["BoardPackError", "build_board_pack", "pack_name", "record_export", "resolve_period", "write_board_pack"]
