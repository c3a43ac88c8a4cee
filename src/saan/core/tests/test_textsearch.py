from saan.core.textsearch import search_key, words


def test_thai_words_are_split():
    assert words("ดูแลผู้สูงอายุติดเตียง") == ["ดูแล", "ผู้สูงอายุ", "ติด", "เตียง"]


def test_digits_case_and_punctuation():
    assert words("ปีงบ ๒๕๖๘, Khon Kaen!") == ["ปี", "งบ", "2568", "khon", "kaen"]


def test_search_key_keeps_each_word_once_with_spaces_around():
    assert search_key("ดูแล ดูแล", "ผู้สูงอายุ") == " ดูแล ผู้สูงอายุ "
    assert search_key("", "  ") == ""
