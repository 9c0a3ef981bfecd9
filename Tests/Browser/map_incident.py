"""Drives OneMap's /map new-incident tool in headless Chromium (Debian's chromium +
chromium-driver, python3-selenium) as a commander would: opens the tool, clicks the
hazard's place on the map, chooses the kind, gives the token, creates, and reads the
zones and figures the page then shows and the briefing link.

usage: map_incident.py BASE_URL TOKEN LON LAT KIND
Prints one JSON object: the message (a refusal, if any), the figures' text, the zone
list items, the briefing link's href, the incidents drawn, and console errors.
"""
import json
import sys
import time

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from mapdriver import open_map

base, token, lon, lat, kind = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
driver = open_map(base)
result = {}
try:
    WebDriverWait(driver, 90).until(lambda d: d.execute_script("return document.querySelectorAll('#incident-kind option').length > 0"))
    driver.execute_script("map.setView([arguments[0], arguments[1]], 15, {animate: false});", lat, lon)
    time.sleep(1)
    driver.find_element(By.ID, "incident-start").click()
    # A real click at the map's centre, where the point is.
    ActionChains(driver).move_to_element(driver.find_element(By.ID, "map")).click().perform()
    WebDriverWait(driver, 30).until(lambda d: d.find_element(By.ID, "incident-create").is_enabled())
    result["where"] = driver.find_element(By.ID, "incident-where").text
    Select(driver.find_element(By.ID, "incident-kind")).select_by_value(kind)
    field = driver.find_element(By.ID, "incident-token")
    field.clear()
    field.send_keys(token)
    driver.find_element(By.ID, "incident-create").click()
    WebDriverWait(driver, 120).until(lambda d: d.execute_script(
        "return document.querySelector('#incident-figures ul.zones') !== null || document.getElementById('incident-message').textContent.length > 1"))
    result["message"] = driver.find_element(By.ID, "incident-message").text
    result["figures"] = driver.execute_script("return document.getElementById('incident-figures').textContent")
    result["zones"] = driver.execute_script("return [...document.querySelectorAll('#incident-figures ul.zones li')].map(li => li.textContent)")
    links = driver.find_elements(By.ID, "incident-briefing")
    result["briefing"] = links[0].get_attribute("href") if links else None
    result["drawn"] = driver.execute_script("return incidents.getLayers().map(l => l.incidentID)")
    result["token_kept"] = driver.execute_script("return sessionStorage.getItem('onemap.token') === arguments[0]", token)
    result["console_errors"] = [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE" and "favicon" not in e["message"]]
finally:
    driver.quit()
print(json.dumps(result, ensure_ascii=False))
