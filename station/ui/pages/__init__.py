"""The five pages of the kiosk: 登记, 进度, 门禁看板, 记录, 设置."""
