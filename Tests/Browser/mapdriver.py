"""The headless Chromium both browser checks drive (Debian's chromium + chromium-driver,
python3-selenium): /map opened and loaded, its first view set."""
from selenium import webdriver
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
        driver.set_page_load_timeout(30)
        driver.get(base + "/map")
        WebDriverWait(driver, 60).until(lambda d: d.execute_script("return typeof L !== 'undefined' && typeof map !== 'undefined'"))
        WebDriverWait(driver, 60).until(lambda d: d.execute_script("return map._loaded === true"))
    except BaseException:
        driver.quit()
        raise
    return driver
