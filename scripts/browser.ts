/**
 * Headless Chromium against a local n8n, shared by `npm run screenshots` and its `--locale` check: a fresh profile,
 * flags for a machine without network or GPU, and the owner's sign-in as a person does it.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const VIEWPORT = { width: 1400, height: 800 };
/** The owner N8nServer.setupOwner() creates. */
export const OWNER = { email: 'owner@example.com', password: 'Passw0rd-e2e!' };

/** Runs `use` with a browser on a new empty profile, removed afterwards. */
export async function withChromium<T>(
	use: (browser: BrowserContext, page: Page) => Promise<T>,
	options: { locale?: string } = {},
): Promise<T> {
	const profile = mkdtempSync(path.join(tmpdir(), 'n8n-screenshots-chromium-'));
	try {
		const browser = await chromium.launchPersistentContext(profile, {
			executablePath: CHROMIUM,
			headless: true,
			viewport: VIEWPORT,
			...(options.locale ? { locale: options.locale } : {}),
			args: [
				'--headless',
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
			],
		});
		try {
			const page = browser.pages()[0] ?? (await browser.newPage());
			return await use(browser, page);
		} finally {
			await browser.close();
		}
	} finally {
		rmSync(profile, { recursive: true, force: true });
	}
}

/** The sign-in form, as a person fills it. */
export async function logIn(page: Page, baseUrl: string) {
	await page.goto(`${baseUrl}/signin`);
	await page
		.locator('input[type="email"], input[name="emailOrLdapLoginId"]')
		.first()
		.fill(OWNER.email);
	await page.locator('input[type="password"]').first().fill(OWNER.password);
	await page.locator('input[type="password"]').first().press('Enter');
	await page
		.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 30_000 })
		.catch(() => {
			throw new Error(`login as ${OWNER.email} failed: still on ${page.url()}`);
		});
}
