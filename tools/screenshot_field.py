#!/usr/bin/env python3
"""Screenshots of the grid worker's page on a phone-sized window (412x915, signed in, the
grid outlined, hazards near a point listed, one opened) and of the dashboard, in headless
Chromium. Usage: screenshot_field.py BASE WORKER_TOKEN OUT_DIR"""
import os
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

BASE, TOKEN, OUT = sys.argv[1], sys.argv[2], sys.argv[3]


def browser(width, height):
    options = Options()
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--window-size={width},{height}", "--hide-scrollbars"]:
        options.add_argument(arg)
    return webdriver.Chrome(options=options)


def until(driver, script, seconds=60):
    WebDriverWait(driver, seconds, poll_frequency=0.2).until(lambda d: d.execute_script(script))


phone = browser(412, 915)
try:
    phone.get(BASE + "/field")
    phone.find_element(By.ID, "token").send_keys(TOKEN)
    phone.find_element(By.ID, "signin-go").click()
    until(phone, "return !document.getElementById('work').hidden && gridLayer !== null")
    # The grid's centre as the worker's position, hazards within 500 m.
    phone.execute_script("const c = gridLayer.getBounds().getCenter(); setPlace(c, 'my position (±8 m)'); fmap.setView(c, 15);")
    phone.execute_script("document.getElementById('radius').value = '1000'")
    phone.find_element(By.ID, "near").click()
    until(phone, "return document.querySelectorAll('#near-list li').length > 0")
    time.sleep(2)  # tiles
    phone.save_screenshot(os.path.join(OUT, "field-phone.png"))
    until(phone, "return document.querySelector('#near-list li[data-id]') !== null")
    phone.execute_script("document.querySelector('#near-list li[data-id]').click()")
    until(phone, "return !document.getElementById('detail').hidden && document.getElementById('detail-title').textContent !== ''")
    phone.execute_script("document.getElementById('detail').scrollIntoView()")
    time.sleep(1)
    phone.save_screenshot(os.path.join(OUT, "field-phone-hazard.png"))
finally:
    phone.quit()

desk = browser(1280, 1500)
try:
    desk.get(BASE + "/dashboard")
    until(desk, "return Number(document.documentElement.dataset.loaded || 0) >= 1")
    time.sleep(1)
    desk.save_screenshot(os.path.join(OUT, "dashboard.png"))
finally:
    desk.quit()
print("\n".join(os.path.join(OUT, f) for f in ["field-phone.png", "field-phone-hazard.png", "dashboard.png"]))
