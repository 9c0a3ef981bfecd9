"""The headless Chromium both browser checks drive (Debian's chromium + chromium-driver,
python3-selenium): /map opened and loaded, its first view set."""
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.support.ui import WebDriverWait


def open_map(base):
    """A driver showing BASE/map once Leaflet and the map are loaded. The page sets its
    first view when /tiles.json answers (fitBounds); until then the map has no view, so
    callers move only after this returns, or the page's fit lands after theirs."""
    options = Options()
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1000,800"]:
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options)
    try:
        driver.set_page_load_timeout(60)
        # On a machine busy with builds the renderer can miss chromedriver's 20-s reply
        # window on the first load ("Timed out receiving message from renderer"): the
        # page is then asked for again, up to three times, before the check fails.
        for attempt in range(3):
            try:
                driver.get(base + "/map")
                break
            except TimeoutException:
                if attempt == 2:
                    raise
        WebDriverWait(driver, 60).until(lambda d: d.execute_script("return typeof L !== 'undefined' && typeof map !== 'undefined'"))
        WebDriverWait(driver, 60).until(lambda d: d.execute_script("return map._loaded === true"))
    except BaseException:
        driver.quit()
        raise
    return driver
