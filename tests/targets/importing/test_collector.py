import gc

from targets.importing.collector import IMPORT_THRESHOLD, fewer_collections


def test_thresholds_are_raised_during_an_import_and_restored_by_the_last_one_to_end():
    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold()[0] == max(IMPORT_THRESHOLD, before[0])
        assert gc.get_threshold()[1:] == before[1:]
        with fewer_collections():
            pass
        assert gc.get_threshold()[0] == max(IMPORT_THRESHOLD, before[0])  # an inner import ended, not this one
    assert gc.get_threshold() == before


def test_thresholds_are_restored_when_the_import_fails():
    before = gc.get_threshold()
    try:
        with fewer_collections():
            raise ValueError
    except ValueError:
        pass
    assert gc.get_threshold() == before
