"""The main menu, as a person reaches it: on a phone behind its button, on a desktop in the top bar."""


def open_menu(page):
    """Open the main menu if it is folded (a phone), so that its items can be tapped."""
    toggle = page.locator(".menu-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
